// What the READMEs tell a maintainer about the release after the approval, where a wrong sentence costs a
// release: how to register the tag signing key so that GitHub shows the tags Verified, and that a tag
// pushed with the workflow's token starts nothing (so the promotion and the publishing run in the run
// that tags, never "on the tag").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';

const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** The paragraphs of `markdown` from the one starting with `start` up to the next heading or bold-led paragraph. */
function section(markdown: string, start: RegExp): string {
  const from = markdown.search(start);
  if (from < 0) return '';
  const rest = markdown.slice(from + 1);
  const end = rest.search(/\n(#{1,6} |\*\*[A-Z])/);
  return markdown.slice(from, end < 0 ? undefined : from + 1 + end);
}

describe('the examples README on signed tags', () => {
  const text = section(read('workflows-examples/README.md'), /^## Signed tags GitHub shows as Verified$/m);

  it("says how to register the signing key on the account whose verified email tags, and lists it for the hand-pushed tags' check", () => {
    expect(text).not.toBe('');
    // GitHub's rule, the account's side (a Signing Key, not an authentication key) and the variables that make the tagger that account.
    expect(text).toMatch(/verified email/);
    expect(text).toMatch(/"Signing Key"|Signing Key/);
    for (const name of ['TAG_SIGNING_KEY', 'RELEASE_TAGGER_NAME', 'RELEASE_TAGGER_EMAIL', 'RELEASE_TAG_ALLOWED_SIGNERS']) expect(text).toContain(name);
    // The default tagger reads Unverified: the README must not leave it as is silently.
    expect(text).toMatch(/github-actions\[bot\][^.]*Unverified/);
  });
});

describe('the root README on tags pushed by a workflow', () => {
  const readme = read('README.md');

  it('never has the promotion or the publishing start "on the tag": a tag the workflow pushes starts no workflow', () => {
    expect(readme).not.toMatch(/on the tag, the promotion/i);
    const wrapper = section(readme, /^\*\*Wrapper\*\* — /m);
    const images = section(readme, /^\*\*Images\*\* — /m);
    expect(wrapper).toMatch(/starts no workflow/);
    expect(images).toMatch(/the tag's push starts nothing/);
    expect(images).toMatch(/in the same run[^:]*the promotion/);
  });

  it("says the images' tag is signed with the SSH key images/sub_tag.yml uses, as its snippet does", () => {
    const images = section(readme, /^\*\*Images\*\* — /m);
    expect(images).toMatch(/an SSH key here, as `images\/sub_tag\.yml` signs/);
    expect(read('workflows-examples/images/sub_tag.yml')).toContain("sign: ${{ secrets.TAG_SIGNING_KEY != '' && 'ssh' || 'none' }}");
  });
});
