/**
 * Imported first by every action's entry, for its side effect: Node's fetch installs its own
 * dispatcher (the Agent of the undici inside Node, `process.versions.undici`) as the process-wide
 * one, `globalThis[Symbol.for('undici.globalDispatcher.1')]`, before any bundled module loads.
 *
 * Without it, the first to set that dispatcher is the undici 6 that @actions/core brings in through
 * @actions/http-client: its lib/global.js installs an Agent of its own when none is set, and Node's
 * fetch then sends every request through that older client ("Calling [setGlobalDispatcher] will
 * affect both undici and Node.js", Node's documentation of fetch): a mix of versions nobody else
 * runs. (In three paired cross-registry promotions on a noisy VM, Node's own used 10–20 % less CPU;
 * for a 21 MB upload body no difference could be measured.) Node sets its own dispatcher when its
 * fetch implementation loads, which constructing a Headers does.
 */
new Headers();
