// Types of scripts/bundle-stamp.mjs, for the TypeScript that imports it (the bundle harness and its tests).

/** The file, inside an action's dist/, that holds the stamp of the sources the bundle was built from. */
export declare const STAMP_FILE: string;
/** The actions of a repository: the directories of actions/ that have src/index.ts. */
export declare function listActions(root: string): string[];
/** The stamp of an action's sources under a repository root (sha256, hex). */
export declare function sourcesDigest(root: string, action: string): string;
/** The path of an action's stamp file. */
export declare function stampPath(root: string, action: string): string;
/** The stamp the action's bundle was built with, or undefined when it has none. */
export declare function readStamp(root: string, action: string): string | undefined;
/** Whether the action's bundle was built from other sources than those under root now (or has no stamp). */
export declare function isStale(root: string, action: string): boolean;
/** The message of a refusal to run a stale bundle. */
export declare function staleMessage(action: string): string;
