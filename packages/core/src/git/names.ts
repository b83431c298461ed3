import { InputError } from '../action/errors.js';
import type { GitIdentity, GitRepository } from './git.js';
import { redactCredentials } from './redact.js';

/**
 * Checks of the values inputs hand to git, so that none is read as an
 * option (`--upload-pack=…` would run a command) or names another ref than
 * the one meant. Each throws {@link InputError} naming the input.
 */

/** @throws InputError when `value` starts with `-`: git would read it as an option */
export function refuseOptionLike(input: string, value: string): void {
  if (value.startsWith('-')) throw new InputError(input, `"${redactCredentials(value)}" starts with "-": git would read it as an option`);
}

/**
 * Checks a branch name with `git check-ref-format --branch`, taken
 * literally (`@{-1}` and other shorthands are refused).
 * @throws InputError naming `input`
 */
export async function checkBranchName(repository: GitRepository, input: string, name: string): Promise<void> {
  refuseOptionLike(input, name);
  if (!(await repository.isValidBranchName(name))) throw new InputError(input, `"${name}" is not a valid branch name (git check-ref-format --branch)`);
}

/** @throws InputError naming `input` when refs/tags/<name> is not a valid ref name (`git check-ref-format`) */
export async function checkTagName(repository: GitRepository, input: string, name: string): Promise<void> {
  refuseOptionLike(input, name);
  if (!(await repository.isValidRefName(`refs/tags/${name}`)))
    throw new InputError(input, `gives the tag name "${name}", which git refuses (git check-ref-format)`);
}

/** A remote as git will be given it: a configured remote's name, or a URL. */
export interface CheckedRemote {
  /** What git is given. */
  readonly remote: string;
  /** The URL git pushes to (a configured remote's push URL, or the URL itself). */
  readonly url: string;
  /** The remote as it may be shown: the name, or the URL with its credentials redacted. */
  readonly display: string;
}

// The URL forms git documents (git-push(1) "GIT URLS") that this action accepts; `<transport>::<address>` is not among them.
const URL_FORMS = [/^(?:https?|ssh|git|file):\/\/[^\s]+$/i, /^(?:[^\s@/:]+@)?[a-z0-9.-]+:(?!\/\/)[^\s]*$/i];

/**
 * Checks a remote: the name of a configured remote (`git remote`), or a URL
 * of the forms https://, http://, ssh://, git://, file:// or `user@host:path`.
 * Transports that run programs (`ext::…`) and anything starting with `-` are refused.
 *
 * @throws InputError naming `input`
 */
export async function checkRemote(repository: GitRepository, input: string, remote: string): Promise<CheckedRemote> {
  refuseOptionLike(input, remote);
  const names = await repository.remoteNames();
  if (names.includes(remote)) return { remote, url: await repository.remotePushUrl(remote), display: remote };
  if (!remote.includes('::') && URL_FORMS.some((form) => form.test(remote))) return { remote, url: remote, display: redactCredentials(remote) };
  const known = names.length > 0 ? `a remote of this repository (${names.join(', ')})` : 'a remote of this repository (there is none)';
  throw new InputError(input, `"${redactCredentials(remote)}" is neither ${known} nor a URL (https://, http://, ssh://, git://, file:// or user@host:path)`);
}

/**
 * Checks the identity written into commits and tags: no `<`, `>` or line
 * break (git would silently drop them), and accepted by `git var`.
 * @throws InputError naming git-author-name or git-author-email
 */
export async function checkIdentity(repository: GitRepository, identity: GitIdentity): Promise<void> {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  const unsafe = /[<>\u0000-\u001f\u007f]/;
  if (unsafe.test(identity.name)) throw new InputError('git-author-name', `"${identity.name}" holds <, > or a control character, which git drops`);
  if (unsafe.test(identity.email) || identity.email.trim() === '')
    throw new InputError('git-author-email', `"${identity.email}" is empty or holds <, > or a control character, which git drops`);
  const problem = await repository.identityProblem(identity);
  if (problem) throw new InputError('git-author-name', `"${identity.name}" <${identity.email}> is refused by git: ${problem}`);
}
