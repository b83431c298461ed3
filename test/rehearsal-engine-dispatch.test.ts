// The rehearsal's engine on repository_dispatch, as GitHub documents the event ("Events that trigger
// workflows": repository_dispatch): `on.repository_dispatch.types` filters the payload's `action` (the
// event type), a dispatch sent with a GITHUB_TOKEN still starts workflows, GITHUB_REF is the default
// branch and GITHUB_SHA its last commit, and `github.event.client_payload` is the payload as sent.
import { describe, expect, it } from 'vitest';
import { whyNot, type WebhookEvent } from '../scripts/rehearse/engine/events.js';
import { githubContext } from '../scripts/rehearse/engine/runner.js';
import { loadWorkflow } from '../scripts/rehearse/engine/workflows.js';

const MAIN_HEAD = 'e'.repeat(40);
const dispatch = (action: string, byGithubToken = false): WebhookEvent => ({
  name: 'repository_dispatch',
  byGithubToken,
  sha: MAIN_HEAD,
  payload: {
    action,
    branch: 'main',
    client_payload: { sha: 'a'.repeat(40), image_version: '3.1.6' },
    repository: { full_name: 'ThePorgs/Pipelines' },
    sender: { login: 'maintainer-alice' },
    installation: { id: 1, node_id: 'I_1' },
  },
});

describe('repository_dispatch in the rehearsal engine', () => {
  it('starts the pipelines workflows whose types: name the event type, and no other; a GITHUB_TOKEN dispatch starts them too', async () => {
    const preprod = await loadWorkflow('pipelines/pipelines-repository/preprod.yml');
    const release = await loadWorkflow('pipelines/pipelines-repository/release.yml');
    expect(whyNot(preprod.template, dispatch('preprod-base-pipeline'))).toBeUndefined();
    expect(whyNot(preprod.template, dispatch('preprod-base-pipeline', true))).toBeUndefined();
    expect(whyNot(preprod.template, dispatch('release-pipeline'))).toBe('types: preprod-base-pipeline (not release-pipeline)');
    expect(whyNot(release.template, dispatch('release-pipeline'))).toBeUndefined();
    expect(whyNot(release.template, dispatch('build-pipeline'))).toBe('types: release-pipeline (not build-pipeline)');
  });

  it('gives GITHUB_REF the default branch and GITHUB_SHA its last commit, and the payload as github.event', () => {
    const context = githubContext('ThePorgs/Pipelines', dispatch('preprod-base-pipeline'), 'http://127.0.0.1:1');
    expect(context).toMatchObject({ event_name: 'repository_dispatch', ref: 'refs/heads/main', ref_name: 'main', ref_type: 'branch', sha: MAIN_HEAD });
    expect((context['event'] as { client_payload: unknown }).client_payload).toEqual({ sha: 'a'.repeat(40), image_version: '3.1.6' });
    expect(context['actor']).toBe('maintainer-alice');
  });
});
