import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** A stand-in for Docker Hub's API (hub.docker.com/v2): login and tag deletion, recording what was deleted. */
export class DockerHubStandIn {
  readonly deleted: string[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly users: Record<string, string>) {}

  async start(): Promise<this> {
    const token = 'hub-jwt-token-for-tests';
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://hub');
        if (request.method === 'POST' && url.pathname === '/v2/users/login') {
          const { username, password } = JSON.parse(body || '{}') as { username?: string; password?: string };
          if (!username || this.users[username] !== password)
            return void response
              .writeHead(401, { 'content-type': 'application/json' })
              .end(JSON.stringify({ detail: 'Incorrect authentication credentials.' }));
          return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
        }
        const match = /^\/v2\/repositories\/([^/]+\/[^/]+)\/tags\/([^/]+)\/$/.exec(url.pathname);
        if (request.method === 'DELETE' && match) {
          if (request.headers.authorization !== `JWT ${token}`) return void response.writeHead(401).end();
          this.deleted.push(`${match[1]}:${decodeURIComponent(match[2]!)}`);
          return void response.writeHead(204).end();
        }
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'object not found' }));
      });
    });
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
