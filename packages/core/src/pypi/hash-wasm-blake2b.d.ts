// hash-wasm's single-algorithm build (16 KB, against 284 KB for the whole library): same API, no types of its own.
declare module 'hash-wasm/dist/blake2b.umd.min.js' {
  const blake2b: { createBLAKE2b: typeof import('hash-wasm').createBLAKE2b };
  export default blake2b;
}
