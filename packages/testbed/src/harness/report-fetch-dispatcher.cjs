// Preloaded into a bundle (NODE_OPTIONS=--require): at exit, prints where the dispatcher of Node's
// fetch comes from, as the first frame of the error its dispatch() throws without arguments:
// node:internal/deps/undici/… for Node's own, the bundle's file for a bundled undici.
process.on('exit', () => {
  const dispatcher = globalThis[Symbol.for('undici.globalDispatcher.1')];
  let frame = 'no dispatcher';
  try {
    dispatcher.dispatch();
  } catch (error) {
    frame = (
      String(error.stack)
        .split('\n')
        .find((line) => /^\s+at /.test(line)) ?? ''
    ).trim();
  }
  process.stderr.write(`fetch dispatcher: ${frame}\n`);
});
