import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 18:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(819);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 819:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ../../packages/core/src/action/runner.ts
/**
 * GitHub's runner protocol for JavaScript actions, as the toolkit's
 * @actions/core speaks it: inputs from `INPUT_<NAME>` variables, outputs and
 * state appended to the GITHUB_OUTPUT and GITHUB_STATE files as
 * `name<<ghadelimiter_<uuid>` blocks, and `::command::` lines on stdout
 * (docs.github.com, "Workflow commands for GitHub Actions").
 *
 * Why not @actions/core itself: importing it evaluates its HTTP client
 * (undici), which takes a bundle's start-up from about 20 ms to 80 ms on
 * these machines; check-runner-disk must start within 1.5× of `node -e 0`.
 * test/core/runner.test.ts checks this module against @actions/core.
 */


/** Escapes a command's message (`%`, CR, LF), as @actions/core does. */
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** Escapes a command property's value (also `:` and `,`). */
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** Writes one `::command key=value::message` line to stdout. */
function issueCommand(command, properties, message) {
    const entries = Object.entries(properties).filter((entry) => entry[1] !== undefined && entry[1] !== '');
    const props = entries.length ? ` ${entries.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}` : '';
    process.stdout.write(`::${command}${props}::${escapeData(message)}${external_node_os_namespaceObject.EOL}`);
}
/** Appends `name<<delimiter` … `delimiter` to the file named by GITHUB_<command>. @throws Error when that file does not exist */
function appendKeyValue(command, name, value) {
    const file = process.env[`GITHUB_${command}`];
    if (!file)
        return false;
    if (!(0,external_node_fs_namespaceObject.existsSync)(file))
        throw new Error(`Missing file at path: ${file} (GITHUB_${command})`);
    // The containment check below is what makes a delimiter safe, not its unpredictability;
    // Math.random avoids loading crypto (about 5 ms of start-up).
    const delimiter = `ghadelimiter_${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
    if (name.includes(delimiter) || value.includes(delimiter))
        throw new Error(`Unexpected input: contains the delimiter "${delimiter}"`);
    (0,external_node_fs_namespaceObject.appendFileSync)(file, `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, 'utf8');
    return true;
}
/** The raw value of an input (`INPUT_<NAME>`, spaces as `_`, hyphens kept), trimmed; empty when not set. */
function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
/** Sets a step output (GITHUB_OUTPUT; the legacy `::set-output` command when the variable is unset). */
function setOutput(name, value) {
    if (!appendKeyValue('OUTPUT', name, value))
        issueCommand('set-output', { name }, value);
}
/** Saves state for the post step, which reads it as `STATE_<name>` (GITHUB_STATE). */
function saveState(name, value) {
    if (!appendKeyValue('STATE', name, value))
        issueCommand('save-state', { name }, value);
}
/** State saved by the main step, in the post step; empty when absent. */
function getState(name) {
    return process.env[`STATE_${name}`] ?? '';
}
/** Masks a value in every later log line. */
function setSecret(secret) {
    issueCommand('add-mask', {}, secret);
}
/** Writes a line to the log. */
function info(message) {
    process.stdout.write(`${message}${external_node_os_namespaceObject.EOL}`);
}
/** Writes a debug line (shown when step debug logging is on). */
function debug(message) {
    issueCommand('debug', {}, message);
}
function annotate(kind, message, properties) {
    issueCommand(kind, { title: properties.title, file: properties.file, line: properties.startLine?.toString() }, message);
}
/** An error annotation. */
function error(message, properties = {}) {
    annotate('error', message, properties);
}
/** A warning annotation. */
function warning(message, properties = {}) {
    annotate('warning', message, properties);
}
/** A notice annotation. */
function notice(message, properties = {}) {
    annotate('notice', message, properties);
}
/** Fails the step: an error annotation and exit code 1. */
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}

;// CONCATENATED MODULE: ../../packages/core/src/action/errors.ts
/**
 * An error the user can act on: a bad input, a missing file, a refused
 * request. Its message is shown as it is, after "<action> failed: ".
 */
class ActionError extends Error {
    name = 'ActionError';
}
/** An input that failed validation. The message always starts with the input's name. */
class errors_InputError extends ActionError {
    input;
    name = 'InputError';
    /**
     * @param input the input's name as users write it in YAML, e.g. `min-free`
     * @param problem what is wrong, e.g. `must be true or false, got "yes"`
     */
    constructor(input, problem) {
        super(`input '${input}' ${problem}`);
        this.input = input;
    }
}
/** The message of anything thrown, including non-Error values and an Error's `cause`. */
function describeError(error) {
    if (!(error instanceof Error))
        return String(error);
    const cause = error.cause instanceof Error ? error.cause.message : undefined;
    return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}

;// CONCATENATED MODULE: ../../packages/core/src/action/inputs.ts




/**
 * Typed readers of action inputs (`INPUT_<NAME>` environment variables,
 * hyphens kept). Every reader throws {@link InputError}, whose message starts
 * with the input's name, and never returns a half-valid value.
 */
/** Reads a string input, trimmed. Empty means absent: `fallback` is returned, or an error thrown when `required`. */
function readString(name, options = {}) {
    const value = getInput(name).trim();
    if (value !== '')
        return value;
    if (options.required)
        throw new errors_InputError(name, 'is required and was not given');
    return options.fallback ?? '';
}
/** Reads `true`/`false` (any case; also yes/no, 1/0, on/off). Empty gives `fallback`. */
function readBoolean(name, fallback = false) {
    const value = getInput(name).trim().toLowerCase();
    if (value === '')
        return fallback;
    if (['true', 'yes', 'on', '1'].includes(value))
        return true;
    if (['false', 'no', 'off', '0'].includes(value))
        return false;
    throw new errors_InputError(name, `must be true or false, got "${getInput(name).trim()}"`);
}
/**
 * Reads a multiline list: one item a line, trimmed; blank lines and lines
 * starting with `#` are left out.
 */
function readList(name) {
    return getInput(name)
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
}
/** Reads one of `allowed` (case-sensitive). Empty gives `fallback`, or an error when there is none. */
function readEnum(name, allowed, fallback) {
    const value = core.getInput(name).trim();
    if (value === '' && fallback !== undefined)
        return fallback;
    if (allowed.includes(value))
        return value;
    throw new InputError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
}
/** Reads a whole number within [min, max]. Empty gives `fallback`. */
function readInteger(name, options) {
    const text = getInput(name).trim();
    if (text === '')
        return options.fallback;
    const value = Number(text);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    if (!/^-?\d+$/.test(text) || value < min || value > max) {
        throw new errors_InputError(name, `must be a whole number from ${min} to ${max}, got "${text}"`);
    }
    return value;
}
/** Reads a size such as 100GB, 100GiB or 500MB (see parseSize). Returns bytes. Empty gives `fallback` bytes. */
function readSize(name, fallback) {
    const text = core.getInput(name).trim();
    if (text === '')
        return fallback;
    try {
        return parseSize(text);
    }
    catch (error) {
        throw new InputError(name, error.message);
    }
}
/** Reads a duration such as 90s, 10m, 1h30m or a plain number of seconds. Returns seconds. Empty gives `fallback` seconds. */
function readDuration(name, fallback) {
    const text = core.getInput(name).trim();
    if (text === '')
        return fallback;
    try {
        return parseDuration(text);
    }
    catch (error) {
        throw new InputError(name, error.message);
    }
}
/** Reads a secret: masks it in the log at once, and returns it untrimmed of inner content. */
function readSecret(name) {
    const value = getInput(name).trim();
    if (value !== '')
        setSecret(value);
    return value;
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/reference.ts

const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/**
 * Parses a registry: `docker.io` (Docker Hub, spoken to at registry-1.docker.io),
 * a host with an optional port (HTTPS), or a URL with an explicit scheme:
 * `http://127.0.0.1:5000` is spoken to over plain HTTP.
 *
 * @throws InputError naming `input` for anything else
 */
function parseRegistry(text, input) {
    const trimmed = text.trim().replace(/\/+$/, '');
    const scheme = /^(https?):\/\//.exec(trimmed)?.[1];
    const host = scheme ? trimmed.slice(scheme.length + 3) : trimmed;
    if (!/^[a-zA-Z0-9.-]+(:\d{1,5})?$/.test(host))
        throw new errors_InputError(input, `"${text}" is not a registry: write a host such as docker.io or ghcr.io, or a URL such as http://127.0.0.1:5000`);
    if (DOCKER_HUB_NAMES.has(host))
        return { name: 'docker.io', apiBase: 'https://registry-1.docker.io', isDockerHub: true };
    return { name: host, apiBase: `${scheme ?? 'https'}://${host}`, isDockerHub: false };
}
const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/**
 * Validates a repository name against the OCI distribution spec's grammar
 * (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/…)*`); on Docker Hub a one-part name
 * gets the `library/` namespace.
 *
 * @throws InputError naming `input` for a malformed name
 */
function parseRepository(endpoint, name, input) {
    const trimmed = name.trim();
    if (!REPOSITORY_NAME.test(trimmed) || trimmed.length > 255)
        throw new errors_InputError(input, `"${name}" is not a repository name: lower-case letters, digits and separators, e.g. nwodtuhs/exegol`);
    return endpoint.isDockerHub && !trimmed.includes('/') ? `library/${trimmed}` : trimmed;
}
/** Whether `tag` is a valid tag (OCI distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
function isValidTag(tag) {
    return TAG.test(tag);
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/tag-templates.ts


const PLACEHOLDERS = ['flavour', 'version'];
/**
 * Expands tag templates for every flavour: `{flavour}` and `{version}` are
 * replaced; the same tag name is used in the source and the target. A tag
 * made from a template holding `{version}` is versioned: it must not move.
 *
 * @throws InputError naming `flavours`, `tags` or `version` for an empty list, a template without {flavour}, an unknown placeholder, a missing version, or an invalid tag
 */
function expandTagTemplates(flavours, templates, version) {
    if (flavours.length === 0)
        throw new errors_InputError('flavours', 'is empty: list at least one flavour, e.g. full');
    if (templates.length === 0)
        throw new errors_InputError('tags', 'is empty: list at least one template, e.g. {flavour}');
    for (const template of templates) {
        const unknown = [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]).filter((name) => !PLACEHOLDERS.includes(name));
        if (unknown.length)
            throw new errors_InputError('tags', `template "${template}" has an unknown placeholder {${unknown[0]}}; known: {flavour}, {version}`);
        if (!template.includes('{flavour}'))
            throw new errors_InputError('tags', `template "${template}" has no {flavour} placeholder: every flavour would write the same tag`);
        if (template.includes('{version}') && !version)
            throw new errors_InputError('version', `is needed by the tag template "${template}": set version, or run on a pushed tag`);
    }
    const pairs = [];
    for (const flavour of flavours) {
        for (const template of templates) {
            const tag = template.replaceAll('{flavour}', flavour).replaceAll('{version}', version);
            if (!isValidTag(tag))
                throw new errors_InputError('tags', `template "${template}" makes "${tag}" for flavour "${flavour}"${template.includes('{version}') ? ` and version "${version}"` : ''}, which is not a valid tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})`);
            pairs.push({ sourceTag: tag, targetTag: tag, versioned: template.includes('{version}') });
        }
    }
    return pairs;
}

;// CONCATENATED MODULE: ../../packages/core/src/github/event.ts

/**
 * The pull request number of the event that started the workflow
 * (`pull_request`, `pull_request_target`, `pull_request_review`, … payloads
 * hold `pull_request.number`; `issue_comment` on a pull request holds `issue.number`).
 * Reads GITHUB_EVENT_PATH, the webhook payload the runner saved.
 *
 * @returns the number, or undefined when the event has none
 */
function eventPullRequestNumber(eventPath = process.env['GITHUB_EVENT_PATH']) {
    if (!eventPath)
        return undefined;
    let payload;
    try {
        payload = JSON.parse(readFileSync(eventPath, 'utf8'));
    }
    catch {
        return undefined;
    }
    return payload.pull_request?.number ?? (payload.issue?.pull_request ? payload.issue.number : undefined);
}
/** The repository running the workflow (GITHUB_REPOSITORY, `owner/name`). @throws Error when unset or malformed */
function currentRepository() {
    const [owner, repo, ...rest] = (process.env['GITHUB_REPOSITORY'] ?? '').split('/');
    if (!owner || !repo || rest.length)
        throw new Error(`GITHUB_REPOSITORY is "${process.env['GITHUB_REPOSITORY'] ?? ''}", not owner/name`);
    return { owner, repo };
}
/** The pushed tag's name when the workflow runs on a tag push (GITHUB_REF refs/tags/…), else empty. */
function pushedTagName() {
    return process.env['GITHUB_REF_TYPE'] === 'tag' || process.env['GITHUB_REF']?.startsWith('refs/tags/') ? (process.env['GITHUB_REF_NAME'] ?? '') : '';
}

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: ../../packages/core/src/registry/credentials.ts



/** The keys Docker's config file may use for a registry (docker/login-action writes the first one docker login would). */
function configKeys(endpoint) {
    if (endpoint.isDockerHub)
        return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
    return [endpoint.name, `https://${endpoint.name}`, `http://${endpoint.name}`, endpoint.apiBase];
}
/**
 * Credentials from Docker's config file (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), as `docker login` and docker/login-action write
 * them: `auths.<registry>.auth` (base64 `user:password`) or
 * `auths.<registry>.username`/`password`. Credential helpers are not run.
 *
 * @returns the credentials, or undefined when the file or the entry is absent
 */
async function dockerConfigCredentials(endpoint, configDirectory = process.env['DOCKER_CONFIG'] || external_node_path_default().join((0,external_node_os_namespaceObject.homedir)(), '.docker')) {
    let config;
    try {
        config = JSON.parse(await (0,promises_namespaceObject.readFile)(external_node_path_default().join(configDirectory, 'config.json'), 'utf8'));
    }
    catch {
        return undefined;
    }
    for (const key of configKeys(endpoint)) {
        const entry = config.auths?.[key];
        if (!entry)
            continue;
        if (entry.username && entry.password)
            return { username: entry.username, password: entry.password };
        if (entry.auth) {
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon > 0)
                return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/auth.ts
/**
 * Parses a WWW-Authenticate header such as
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a:pull,push"`.
 *
 * @returns the first challenge, or undefined when the header is absent or empty
 */
function parseChallenge(header) {
    const match = header ? /^\s*([A-Za-z]+)\s*(.*)$/.exec(header) : null;
    if (!match)
        return undefined;
    const params = {};
    for (const [, key, quoted, bare] of match[2].matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g))
        params[key.toLowerCase()] = (quoted ?? bare ?? '').replace(/\\(.)/g, '$1');
    return { scheme: match[1].toLowerCase(), params };
}
/** A scope of Docker's token spec: `repository:<name>:<actions>`. */
function repositoryScope(repository, actions) {
    return `repository:${repository}:${actions.join(',')}`;
}
/**
 * The access a token grants, when it is a JWT with Docker's `access` claim
 * (Docker token authentication spec); undefined for an opaque token.
 */
function grantedAccess(token) {
    const payload = token.split('.')[1];
    if (!payload)
        return undefined;
    try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        return Array.isArray(claims.access) ? claims.access : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ../../packages/core/src/http/retry.ts

const sleepFor = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
/**
 * Whether a status is worth retrying: 408, 429 and every 5xx
 * (RFC 9110 §15.5.9, RFC 6585 §4, RFC 9110 §15.6).
 */
function isRetryableStatus(status) {
    return status === 408 || status === 429 || (status >= 500 && status <= 599);
}
/**
 * Seconds to wait from a Retry-After header (RFC 9110 §10.2.3): either
 * delay-seconds or an HTTP-date.
 *
 * @returns seconds (0 or more), or undefined when the header is absent or invalid
 */
function parseRetryAfter(header, now = Date.now()) {
    if (!header)
        return undefined;
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed))
        return Number(trimmed);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
/**
 * Runs `attempt` until its outcome asks for no retry, waiting between tries
 * with exponential backoff and jitter, or Retry-After when given. After the
 * last retry the last value is returned as it is, for the caller to report.
 * A thrown error (a dropped connection, a timeout) is retried unless `isFatal` says otherwise.
 *
 * @param what the request, e.g. "POST https://upload.pypi.org/legacy/", for the final error (a function when known only once an attempt ran)
 * @param attempt one try; `isLast` is true when no retry will follow (a body need not be discarded then)
 * @throws Error `"<what>: <reason> after N attempts"` when every attempt threw
 */
async function withRetries(what, attempt, options = {}, isFatal = () => false) {
    const { retries = 4, minDelaySeconds = 1, maxDelaySeconds = 60, onRetry, sleep = sleepFor } = options;
    for (let number = 1;; number += 1) {
        const isLast = number > retries;
        let reason;
        let retryAfter;
        try {
            const { value, retry } = await attempt(isLast);
            if (!retry || isLast)
                return value;
            reason = retry.reason;
            retryAfter = retry.retryAfterSeconds;
        }
        catch (error) {
            if (isFatal(error))
                throw error;
            reason = describeError(error);
            if (isLast)
                throw new Error(`${typeof what === 'function' ? what() : what}: ${reason} after ${number} attempts`, { cause: error });
        }
        const backoff = minDelaySeconds * 2 ** (number - 1) * (0.5 + Math.random() / 2);
        const delaySeconds = Math.min(maxDelaySeconds, retryAfter ?? backoff);
        onRetry?.({ attempt: number, delaySeconds, reason });
        await sleep(delaySeconds);
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/http/fetch-with-retry.ts

/**
 * The built-in fetch with a headers timeout, and retries with exponential
 * backoff on 408, 429, 5xx and dropped connections, honouring Retry-After.
 * A response that is still retryable after the last attempt is returned as
 * it is, for the caller to report; a network error after the last attempt is thrown.
 *
 * Redirects follow RequestInit.redirect (fetch's default: follow).
 *
 * @param url the request URL
 * @param request the request; a function when its body cannot be sent twice
 * @throws Error `"<METHOD> <url>: <reason> after N attempts"` when the connection failed every time; the caller's own abort as it is
 */
async function fetchWithRetry(url, request = {}, options = {}) {
    const timeoutSeconds = options.timeoutSeconds ?? 30;
    let callerSignal;
    let method = 'GET';
    const attempt = async (isLast) => {
        const init = typeof request === 'function' ? request() : request;
        callerSignal = init.signal;
        method = init.method ?? 'GET';
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(new Error(`no response within ${timeoutSeconds}s`)), timeoutSeconds * 1000);
        const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
        try {
            const response = await fetch(url, { ...init, signal });
            if (!isRetryableStatus(response.status))
                return { value: response };
            if (!isLast)
                await response.body?.cancel().catch(() => undefined);
            return { value: response, retry: { reason: `HTTP ${response.status}`, retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')) } };
        }
        finally {
            clearTimeout(timer);
        }
    };
    return withRetries(() => `${method} ${String(url)}`, attempt, options, () => callerSignal?.aborted === true);
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/media-types.ts
/** Manifest media types (OCI image spec, Docker image manifest v2 schema 2). */
const MEDIA_TYPES = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
};
/** The Accept header of every manifest read: an index is only returned to a client that accepts it. */
const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');
/** Whether a media type is an index (OCI image index or Docker manifest list). */
function isIndexMediaType(mediaType) {
    return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/client.ts





/** An error answer of the registry (distribution spec: `{"errors":[{"code","message","detail"}]}`). */
async function describeRegistryError(response) {
    const text = await response.text().catch(() => '');
    try {
        const errors = JSON.parse(text).errors ?? [];
        if (errors.length)
            return `HTTP ${response.status} ${errors.map((error) => `${error.code ?? ''}: ${error.message ?? ''}`).join('; ')}`;
    }
    catch {
        // not JSON: fall through
    }
    return `HTTP ${response.status}${text ? ` ${text.slice(0, 200).trim()}` : ''}`;
}
/** The sha256 digest of bytes, as `sha256:<hex>`. */
function sha256Digest(bytes) {
    return `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex')}`;
}
/**
 * A client of one registry's distribution API (OCI distribution spec v1.1),
 * authenticating anonymously, with Basic credentials, or with a Bearer token
 * from the registry's token server for every scope at once (Docker's token
 * authentication spec). Retries 429, 5xx and dropped connections.
 */
class RegistryClient {
    endpoint;
    options;
    authorization;
    constructor(endpoint, options) {
        this.endpoint = endpoint;
        this.options = options;
    }
    url(path) {
        return /^https?:\/\//.test(path) ? path : `${this.endpoint.apiBase}${path}`;
    }
    /**
     * Authenticates once: GET /v2/ (distribution spec, "Determining support"),
     * then, on a 401 challenge, Basic credentials or a Bearer token.
     *
     * @throws ActionError when the registry cannot be reached, refuses the credentials, or the token does not grant push
     */
    async authenticate() {
        const response = await this.send('GET', '/v2/');
        await response.body?.cancel();
        if (response.ok)
            return;
        if (response.status !== 401)
            throw new ActionError(`registry ${this.endpoint.name} answered GET /v2/ with HTTP ${response.status}`);
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        if (!challenge)
            throw new ActionError(`registry ${this.endpoint.name} asks for authentication without a WWW-Authenticate challenge`);
        await this.answer(challenge);
        const check = await this.send('GET', '/v2/');
        await check.body?.cancel();
        if (check.status === 401)
            throw new ActionError(`registry ${this.endpoint.name} refused the credentials${this.options.credentials ? ` of ${this.options.credentials.username}` : ' (none given: set username and password, or log in with docker/login-action)'}`);
    }
    async answer(challenge) {
        const { credentials } = this.options;
        const basic = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
        if (basic)
            this.options.mask(basic.slice(6));
        if (challenge.scheme === 'basic') {
            if (!basic)
                throw new ActionError(`registry ${this.endpoint.name} needs credentials: set username and password, or log in with docker/login-action`);
            this.authorization = basic;
            return;
        }
        if (challenge.scheme !== 'bearer' || !challenge.params['realm'])
            throw new ActionError(`registry ${this.endpoint.name} asks for ${challenge.scheme} authentication, which is not supported`);
        const realm = new URL(challenge.params['realm']);
        if (challenge.params['service'])
            realm.searchParams.set('service', challenge.params['service']);
        for (const scope of this.options.scopes)
            realm.searchParams.append('scope', scope);
        if (credentials)
            realm.searchParams.set('account', credentials.username);
        const response = await fetchWithRetry(realm, { headers: basic ? { authorization: basic } : {} }, this.options.retry);
        if (response.status === 401 || response.status === 403) {
            await response.body?.cancel();
            throw new ActionError(`the token server of ${this.endpoint.name} refused the credentials${credentials ? ` of ${credentials.username}` : ''} (HTTP ${response.status})`);
        }
        if (!response.ok)
            throw new ActionError(`the token server of ${this.endpoint.name} answered ${await describeRegistryError(response)}`);
        const body = (await response.json());
        const token = body.token ?? body.access_token;
        if (!token)
            throw new ActionError(`the token server of ${this.endpoint.name} returned no token`);
        this.options.mask(token);
        this.authorization = `Bearer ${token}`;
        const granted = grantedAccess(token);
        for (const repository of granted ? (this.options.pushRepositories ?? []) : []) {
            if (!granted.some((entry) => entry.type === 'repository' && entry.name === repository && entry.actions.includes('push'))) {
                throw new ActionError(`the credentials${credentials ? ` of ${credentials.username}` : ''} may not push to ${repository} on ${this.endpoint.name}`);
            }
        }
    }
    async send(method, path, init = {}, renew = true) {
        const headers = new Headers(init.headers);
        if (this.authorization)
            headers.set('authorization', this.authorization);
        const response = await fetchWithRetry(this.url(path), { ...init, method, headers }, this.options.retry);
        // A Bearer token expires (Docker Hub's after 300 s): ask for a new one once.
        const challenge = response.status === 401 && renew && this.authorization?.startsWith('Bearer ') ? parseChallenge(response.headers.get('www-authenticate')) : undefined;
        if (!challenge)
            return response;
        await response.body?.cancel();
        await this.answer(challenge);
        return this.send(method, path, init, false);
    }
    /** A request with authentication; a body that is a stream is sent once (no retry). */
    async request(method, path, init = {}) {
        if (init.body instanceof ReadableStream) {
            const headers = new Headers(init.headers);
            if (this.authorization)
                headers.set('authorization', this.authorization);
            return fetch(this.url(path), { ...init, method, headers, duplex: 'half' });
        }
        return this.send(method, path, init);
    }
    /**
     * GET /v2/<name>/manifests/<reference> with every manifest media type accepted.
     * @returns the exact bytes, or undefined on 404
     * @throws ActionError on another error, or when the bytes do not match the digest asked for or announced
     */
    async getManifest(repository, reference) {
        const response = await this.request('GET', `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
        if (response.status === 404) {
            await response.body?.cancel();
            return undefined;
        }
        if (!response.ok)
            throw new ActionError(`GET manifest ${repository}:${reference} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
        const bytes = Buffer.from(await response.arrayBuffer());
        const digest = sha256Digest(bytes);
        const expected = reference.startsWith('sha256:') ? reference : response.headers.get('docker-content-digest');
        if (expected && expected !== digest)
            throw new ActionError(`manifest ${repository}@${expected} on ${this.endpoint.name} came back with digest ${digest}: corrupted in transit`);
        const mediaType = JSON.parse(bytes.toString('utf8')).mediaType ?? response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
        return { digest, mediaType, bytes };
    }
    /** HEAD /v2/<name>/manifests/<reference>: the digest, without a pull counted on Docker Hub. @returns undefined on 404 */
    async headManifest(repository, reference) {
        const response = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
        if (response.status === 404)
            return undefined;
        if (!response.ok)
            throw new ActionError(`HEAD manifest ${repository}:${reference} on ${this.endpoint.name}: HTTP ${response.status}`);
        const digest = response.headers.get('docker-content-digest');
        if (digest)
            return digest;
        return (await this.getManifest(repository, reference))?.digest;
    }
    /** PUT /v2/<name>/manifests/<reference> with the bytes unchanged. @returns the digest the registry computed */
    async putManifest(repository, reference, manifest) {
        const response = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, { headers: { 'content-type': manifest.mediaType }, body: manifest.bytes });
        if (response.status !== 201)
            throw new ActionError(`PUT manifest ${repository}:${reference} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
        await response.body?.cancel();
        return response.headers.get('docker-content-digest') ?? manifest.digest;
    }
    /** HEAD /v2/<name>/blobs/<digest>. */
    async hasBlob(repository, digest) {
        const response = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`);
        if (response.status === 404)
            return false;
        if (!response.ok)
            throw new ActionError(`HEAD blob ${repository}@${digest} on ${this.endpoint.name}: HTTP ${response.status}`);
        return true;
    }
    /**
     * Cross-repository blob mount (distribution spec, "Mounting a blob from another repository"):
     * POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other>.
     *
     * @returns `mounted` on 201, or the upload session's location on 202 (the registry did not mount)
     */
    async mountBlob(repository, digest, from) {
        const response = await this.request('POST', `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`);
        await response.body?.cancel();
        if (response.status === 201)
            return { mounted: true };
        if (response.status === 202)
            return { mounted: false, location: this.location(response) };
        throw new ActionError(`mount of ${digest} from ${from} into ${repository} on ${this.endpoint.name}: HTTP ${response.status}`);
    }
    /** POST /v2/<name>/blobs/uploads/: opens an upload session. @returns its location */
    async startUpload(repository) {
        const response = await this.request('POST', `/v2/${repository}/blobs/uploads/`);
        if (response.status !== 202)
            throw new ActionError(`upload to ${repository} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
        await response.body?.cancel();
        return this.location(response);
    }
    location(response) {
        const location = response.headers.get('location');
        if (!location)
            throw new ActionError(`registry ${this.endpoint.name} opened an upload without a Location`);
        return new URL(location, this.endpoint.apiBase).toString();
    }
    /** GET /v2/<name>/blobs/<digest>, following redirects to storage; the caller reads the stream. */
    async getBlob(repository, digest) {
        const response = await this.request('GET', `/v2/${repository}/blobs/${digest}`);
        if (!response.ok || !response.body)
            throw new ActionError(`GET blob ${repository}@${digest} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
        return response;
    }
    /** Completes a monolithic upload: PUT <location>?digest=<digest> with the whole blob as a stream of `size` bytes. */
    async putBlob(location, digest, body, size) {
        const url = new URL(location);
        url.searchParams.set('digest', digest);
        const response = await this.request('PUT', url.toString(), { headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) }, body });
        if (response.status !== 201)
            throw new ActionError(`upload of ${digest} to ${this.endpoint.name}: ${await describeRegistryError(response)}`);
        await response.body?.cancel();
    }
    /** Cancels an upload session (DELETE <location>); failures are ignored. */
    async cancelUpload(location) {
        const response = await this.request('DELETE', location).catch(() => undefined);
        await response?.body?.cancel().catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/units/size.ts
/** Multipliers of the size units we accept: SI (powers of 1000) and IEC (powers of 1024). */
const UNIT_BYTES = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
};
const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;
/**
 * Parses a size such as `100GB` (10^9 bytes each), `100GiB` (2^30 bytes
 * each), `500MB`, `1.5TiB` or a plain byte count such as `4096`.
 * A bare `G`, `M` or `K` is refused because it is ambiguous.
 *
 * @returns the size in bytes, rounded down to a whole byte
 * @throws Error whose message says what is accepted; callers prefix the input's name
 */
function size_parseSize(text) {
    const match = SIZE_PATTERN.exec(text.trim());
    if (!match)
        throw new Error(`"${text}" is not a size: write a number and a unit, e.g. 100GB, 100GiB or 500MB`);
    const [, amount = '', rawUnit = ''] = match;
    const unit = rawUnit.toLowerCase();
    if (unit === '')
        return Math.floor(Number(amount));
    const multiplier = UNIT_BYTES[unit];
    if (multiplier === undefined) {
        const hint = /^[kmgt]$/.test(unit) ? ` ("${rawUnit}" is ambiguous: write ${rawUnit.toUpperCase()}B for powers of 1000 or ${rawUnit.toUpperCase()}iB for powers of 1024)` : '';
        throw new Error(`"${text}" has an unknown unit "${rawUnit}"${hint}; units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB`);
    }
    return Math.floor(Number(amount) * multiplier);
}
/**
 * Formats a byte count for people, saying which kind of unit it is:
 * `decimal` gives kB/MB/GB/TB (powers of 1000), `binary` gives KiB/MiB/GiB/TiB.
 *
 * @param bytes a byte count; negative counts keep their sign
 * @returns e.g. `93.1 GiB`, `100 GB`, `512 B`
 */
function formatBytes(bytes, style = 'decimal') {
    const sign = bytes < 0 ? '-' : '';
    let value = Math.abs(bytes);
    const base = style === 'binary' ? 1024 : 1000;
    const units = style === 'binary' ? ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] : ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
    let index = 0;
    while (value >= base && index < units.length - 1) {
        value /= base;
        index += 1;
    }
    const digits = index === 0 || value >= 100 ? 0 : 1;
    return `${sign}${value.toFixed(digits)} ${units[index]}`;
}

;// CONCATENATED MODULE: ../../packages/core/src/action/summary.ts

/** Escapes text for the job summary, which GitHub renders as HTML-flavoured Markdown. */
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
let buffer = '';
/**
 * Appends a heading and a table to the job summary buffer.
 * Cells are plain text and are escaped; nothing is written until {@link writeSummary}.
 *
 * @param heading the table's title (an h3)
 * @param header column titles
 * @param rows one array of cells a row, as long as `header`
 */
function addSummaryTable(heading, header, rows) {
    const headerRow = `<tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>`;
    const bodyRows = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
    buffer += `<h3>${escapeHtml(heading)}</h3>\n<table>${headerRow}${bodyRows}</table>\n`;
}
/** Appends a paragraph of plain text to the job summary buffer. */
function addSummaryText(text) {
    buffer += `<p>${escapeHtml(text)}</p>\n`;
}
/** Appends a code block (e.g. a unified diff, language `diff`) to the job summary buffer. */
function addSummaryCode(code, language) {
    buffer += `<pre${language ? ` lang="${escapeHtml(language)}"` : ''}><code>${escapeHtml(code)}</code></pre>\n`;
}
/**
 * Appends the job summary buffer to the GITHUB_STEP_SUMMARY file and empties
 * the buffer. Does nothing when the variable is unset (a run outside GitHub's runner).
 *
 * @throws Error when the variable names a file that does not exist
 */
function writeSummary() {
    const file = process.env['GITHUB_STEP_SUMMARY'];
    if (!file)
        return;
    if (!(0,external_node_fs_namespaceObject.existsSync)(file))
        throw new Error(`Missing file at path: ${file} (GITHUB_STEP_SUMMARY)`);
    (0,external_node_fs_namespaceObject.appendFileSync)(file, buffer, 'utf8');
    buffer = '';
}

;// CONCATENATED MODULE: ../../packages/core/src/action/run-action.ts


/**
 * The one error boundary of every action: runs `body` and turns anything it
 * throws into `core.setFailed("<action> failed: <message>")`, which sets the
 * process exit code to 1. Inner code throws; it never calls setFailed or
 * process.exit itself. The stack goes to the debug log (ACTIONS_STEP_DEBUG).
 *
 * @param action the action's name, e.g. `bump-version`
 * @param body the action's work
 */
async function runAction(action, body) {
    try {
        await body();
    }
    catch (error) {
        if (error instanceof Error && error.stack)
            debug(error.stack);
        setFailed(`${action} failed: ${describeError(error)}`);
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/util/concurrency.ts
/**
 * Maps `items` through `work` with at most `limit` calls under way at once,
 * keeping the order of the results. The first rejection rejects the whole
 * (calls already started are let finish).
 */
async function mapWithConcurrency(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    let failure;
    const worker = async () => {
        while (failure === undefined && next < items.length) {
            const index = next;
            next += 1;
            try {
                results[index] = await work(items[index], index);
            }
            catch (error) {
                failure ??= error;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (failure !== undefined)
        throw failure;
    return results;
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/plan.ts



function parseContent(manifest, where) {
    try {
        const content = JSON.parse(manifest.bytes.toString('utf8'));
        if (content.schemaVersion === 1)
            throw new ActionError(`${where} is a Docker schema 1 manifest, which registries no longer accept: rebuild it`);
        return content;
    }
    catch (error) {
        if (error instanceof ActionError)
            throw error;
        throw new ActionError(`${where} is not a JSON manifest`);
    }
}
/**
 * Reads a manifest's whole tree from the source: each child manifest of an
 * index (by digest, once per digest thanks to `cache`), and the blobs of each image manifest.
 *
 * @throws ActionError when a child manifest is missing
 */
async function readTree(client, repository, manifest, cache) {
    const where = `${client.endpoint.name}/${repository}@${manifest.digest}`;
    const content = parseContent(manifest, where);
    const isIndex = isIndexMediaType(manifest.mediaType) || (Array.isArray(content.manifests) && !content.layers);
    if (!isIndex) {
        const blobs = [content.config, ...(content.layers ?? [])].filter((descriptor) => Boolean(descriptor) && !descriptor.urls?.length);
        return { manifest, children: [], blobs };
    }
    const children = await Promise.all((content.manifests ?? []).map((descriptor) => {
        let child = cache.get(descriptor.digest);
        if (!child) {
            child = client.getManifest(repository, descriptor.digest).then((raw) => {
                if (!raw)
                    throw new ActionError(`${where} lists ${descriptor.digest}${descriptor.platform ? ` (${descriptor.platform.os}/${descriptor.platform.architecture})` : ''}, which ${client.endpoint.name}/${repository} does not hold`);
                return readTree(client, repository, raw, cache);
            });
            cache.set(descriptor.digest, child);
        }
        return child;
    }));
    return { manifest, children, blobs: [] };
}
/** Every manifest of a tree, children before their index (the order they must be pushed in). */
function manifestsInPushOrder(tree) {
    return [...tree.children.flatMap(manifestsInPushOrder), tree.manifest];
}
/** Every blob of a tree. */
function blobsOf(tree) {
    return [...tree.blobs, ...tree.children.flatMap(blobsOf)];
}
/**
 * Plans a promotion without writing: resolves every source tag and reads
 * every child manifest, then reads each target tag's digest (HEAD).
 *
 * @throws ActionError listing every missing source tag, and every versioned target tag that already points elsewhere (unless `overwrite`)
 */
async function planPromotion(options) {
    const { source, target, sourceRepository, targetRepository } = options;
    const cache = new Map();
    const resolved = await mapWithConcurrency(options.pairs, options.concurrency, async (pair) => {
        const manifest = await source.getManifest(sourceRepository, pair.sourceTag);
        return { pair, manifest };
    });
    const missing = resolved.filter((entry) => !entry.manifest).map((entry) => `${source.endpoint.name}/${sourceRepository}:${entry.pair.sourceTag}`);
    if (missing.length)
        throw new ActionError(`source tag(s) not found: ${missing.join(', ')}; nothing was written`);
    const plans = await mapWithConcurrency(resolved, options.concurrency, async ({ pair, manifest }) => {
        const tree = await readTree(source, sourceRepository, manifest, cache);
        const existingDigest = await target.headManifest(targetRepository, pair.targetTag);
        return { ...pair, tree, ...(existingDigest ? { existingDigest } : {}), action: existingDigest === manifest.digest ? 'skip' : 'write' };
    });
    const refused = plans.filter((plan) => plan.versioned && plan.existingDigest && plan.action === 'write' && !options.overwrite);
    if (refused.length) {
        const list = refused.map((plan) => `${targetRepository}:${plan.targetTag} is at ${plan.existingDigest}, not ${plan.tree.manifest.digest}`).join('; ');
        throw new ActionError(`${list}. A versioned tag does not move: set overwrite: true to replace it. Nothing was written`);
    }
    return plans;
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/copy-blob.ts



/**
 * Streams one blob from `source` to `target` (GET, then a monolithic PUT
 * upload), hashing it on the way: the blob is never held whole in memory,
 * and bytes whose sha256 or length differ from the descriptor are refused
 * with an error naming the blob. The registry verifies the digest too.
 *
 * @param location an upload session already open on the target (from a refused mount), or undefined to open one
 * @returns the bytes that passed through
 * @throws ActionError when the source's bytes are corrupted or either side fails
 */
async function streamBlob(source, target, digest, size, location) {
    const response = await source.client.getBlob(source.repository, digest);
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    let bytes = 0;
    let corruption;
    const verifying = response.body.pipeThrough(new TransformStream({
        transform(chunk, controller) {
            hash.update(chunk);
            bytes += chunk.byteLength;
            controller.enqueue(chunk);
        },
        flush(controller) {
            const got = `sha256:${hash.digest('hex')}`;
            if (got === digest && bytes === size)
                return;
            corruption = new ActionError(`blob ${digest} from ${source.client.endpoint.name}/${source.repository} is corrupted: ${bytes} bytes with digest ${got}, expected ${size} bytes`);
            controller.error(corruption);
        },
    }));
    const upload = location ?? (await target.client.startUpload(target.repository));
    try {
        await target.client.putBlob(upload, digest, verifying, size);
    }
    catch (error) {
        await target.client.cancelUpload(upload);
        throw corruption ?? error;
    }
    if (corruption)
        throw corruption;
    return bytes;
}
/**
 * {@link streamBlob} with retries: a dropped connection or corrupted bytes
 * start the copy again from a fresh GET and a fresh upload session.
 *
 * @param attempts copies tried in all (default 3)
 * @throws ActionError after the last attempt, with the last reason
 */
async function streamBlobWithRetries(source, target, digest, size, options = {}) {
    const attempts = options.attempts ?? 3;
    let location = options.location;
    for (let attempt = 1;; attempt += 1) {
        try {
            return await streamBlob(source, target, digest, size, location);
        }
        catch (error) {
            location = undefined;
            if (attempt >= attempts)
                throw new ActionError(`copy of blob ${digest} failed after ${attempts} attempts: ${describeError(error)}`, { cause: error });
            options.log?.(`copy of blob ${digest} failed (${describeError(error)}); trying again`);
            await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
        }
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/promote.ts




/**
 * Carries out a promotion plan: every blob the target lacks is mounted from
 * the source repository (same registry) or streamed; then child manifests by
 * digest; then each tag, with the source's bytes unchanged; then each tag is
 * read back (HEAD) to check it holds the source's digest. No tag is written
 * before every blob and child manifest of every tag is in place.
 *
 * @throws ActionError when a copy fails (no tag written yet) or a read-back digest differs
 */
async function executePromotion(plans, options) {
    const { source, target, sourceRepository, targetRepository, log } = options;
    const sameRegistry = source.endpoint.apiBase === target.endpoint.apiBase;
    const writes = plans.filter((plan) => plan.action === 'write');
    const firstTagOf = new Map();
    for (const plan of writes)
        for (const descriptor of blobsOf(plan.tree))
            if (!firstTagOf.has(descriptor.digest))
                firstTagOf.set(descriptor.digest, { descriptor, tag: plan.targetTag });
    const outcomes = new Map();
    await mapWithConcurrency([...firstTagOf.values()], options.concurrency, async ({ descriptor }) => {
        const { digest, size } = descriptor;
        if (await target.hasBlob(targetRepository, digest))
            return void outcomes.set(digest, 'present');
        let location;
        if (sameRegistry) {
            const mount = await target.mountBlob(targetRepository, digest, sourceRepository);
            if (mount.mounted)
                return void outcomes.set(digest, 'mounted');
            location = mount.location;
        }
        await streamBlobWithRetries({ client: source, repository: sourceRepository }, { client: target, repository: targetRepository }, digest, size, { ...(location ? { location } : {}), log });
        outcomes.set(digest, 'copied');
    });
    const children = new Map();
    for (const plan of writes)
        for (const manifest of manifestsInPushOrder(plan.tree).slice(0, -1))
            children.set(manifest.digest, manifest);
    for (const manifest of children.values()) {
        if (!(await target.headManifest(targetRepository, manifest.digest)))
            await target.putManifest(targetRepository, manifest.digest, manifest);
    }
    for (const plan of writes) {
        await target.putManifest(targetRepository, plan.targetTag, plan.tree.manifest);
        log(`${targetRepository}:${plan.targetTag} → ${plan.tree.manifest.digest}`);
    }
    for (const plan of writes) {
        const digest = await target.headManifest(targetRepository, plan.targetTag);
        if (digest !== plan.tree.manifest.digest)
            throw new ActionError(`${targetRepository}:${plan.targetTag} reads back as ${digest ?? 'nothing'}, not ${plan.tree.manifest.digest}`);
    }
    return plans.map((plan) => {
        const digest = plan.tree.manifest.digest;
        if (plan.action === 'skip')
            return { sourceTag: plan.sourceTag, targetTag: plan.targetTag, digest, action: 'skipped', bytesMoved: 0, blobs: { present: 0, mounted: 0, copied: 0 } };
        const blobs = { present: 0, mounted: 0, copied: 0 };
        let bytesMoved = 0;
        for (const descriptor of new Map(blobsOf(plan.tree).map((entry) => [entry.digest, entry])).values()) {
            // A blob counts for the first tag that needed it; for later tags it was already there.
            const outcome = firstTagOf.get(descriptor.digest)?.tag === plan.targetTag ? (outcomes.get(descriptor.digest) ?? 'present') : 'present';
            blobs[outcome] += 1;
            if (outcome === 'copied')
                bytesMoved += descriptor.size;
        }
        const action = blobs.copied ? 'copied' : blobs.mounted ? 'mounted' : 'tagged';
        return { sourceTag: plan.sourceTag, targetTag: plan.targetTag, digest, action, bytesMoved, blobs };
    });
}

;// CONCATENATED MODULE: ../../packages/core/src/registry/docker-hub.ts


/**
 * Deletes tags through Docker Hub's API, as Exegol's maintainers do after a
 * promotion: POST <hub>/v2/users/login (user name and password or personal
 * access token) gives a JWT; DELETE <hub>/v2/repositories/<namespace>/<name>/tags/<tag>/ answers 204.
 *
 * @param hubApi e.g. https://hub.docker.com
 * @returns the tags deleted (a tag already gone, 404, counts as deleted)
 * @throws ActionError when the login is refused or a deletion fails
 */
async function deleteDockerHubTags(hubApi, repository, tags, credentials, mask) {
    const login = await fetchWithRetry(`${hubApi}/v2/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: credentials.username, password: credentials.password }) });
    if (!login.ok)
        throw new ActionError(`Docker Hub refused the login of ${credentials.username} (HTTP ${login.status}); the promotion itself succeeded`);
    const { token } = (await login.json());
    if (!token)
        throw new ActionError('Docker Hub returned no token');
    mask(token);
    const deleted = [];
    for (const tag of tags) {
        const response = await fetchWithRetry(`${hubApi}/v2/repositories/${repository}/tags/${encodeURIComponent(tag)}/`, { method: 'DELETE', headers: { authorization: `JWT ${token}` } });
        await response.body?.cancel();
        if (response.status !== 204 && response.status !== 404)
            throw new ActionError(`Docker Hub did not delete ${repository}:${tag} (HTTP ${response.status}); the promotion itself succeeded`);
        deleted.push(tag);
    }
    return deleted;
}

;// CONCATENATED MODULE: ./src/main.ts

function readInputs() {
    const endpoint = (input) => {
        const own = readString(input);
        return parseRegistry(own || readString('registry', { fallback: 'docker.io' }), own ? input : 'registry');
    };
    const sourceEndpoint = endpoint('source-registry');
    const targetEndpoint = endpoint('target-registry');
    const username = readString('username');
    const password = readSecret('password');
    if (Boolean(username) !== Boolean(password))
        throw new errors_InputError(username ? 'password' : 'username', 'is empty: give both username and password, or neither');
    const deleteSourceTags = readBoolean('delete-source-tags', false);
    if (deleteSourceTags && !username)
        throw new errors_InputError('delete-source-tags', "needs username and password for Docker Hub's API");
    return {
        sourceEndpoint,
        targetEndpoint,
        sourceRepository: parseRepository(sourceEndpoint, readString('source-repository', { required: true }), 'source-repository'),
        targetRepository: parseRepository(targetEndpoint, readString('target-repository', { required: true }), 'target-repository'),
        pairs: expandTagTemplates(readList('flavours'), readList('tags'), readString('version', { fallback: pushedTagName() })),
        ...(username ? { credentials: { username, password } } : {}),
        overwrite: readBoolean('overwrite', false),
        concurrency: readInteger('concurrency', { fallback: 4, min: 1, max: 32 }),
        dryRun: readBoolean('dry-run', false),
        deleteSourceTags,
        hubApi: readString('hub-api-url', { fallback: 'https://hub.docker.com' }).replace(/\/+$/, ''),
    };
}
async function clients(inputs) {
    const mask = (secret) => setSecret(secret);
    const credentialsFor = async (endpoint) => inputs.credentials ?? (await dockerConfigCredentials(endpoint));
    const sourceScope = repositoryScope(inputs.sourceRepository, ['pull']);
    const targetScope = repositoryScope(inputs.targetRepository, inputs.dryRun ? ['pull'] : ['pull', 'push']);
    const pushRepositories = inputs.dryRun ? [] : [inputs.targetRepository];
    const retry = { onRetry: ({ reason, delaySeconds }) => info(`retrying in ${delaySeconds.toFixed(1)}s after ${reason}`) };
    if (inputs.sourceEndpoint.apiBase === inputs.targetEndpoint.apiBase) {
        // One token carries pull on the source and pull,push on the target: a cross-repository mount needs both.
        const credentials = await credentialsFor(inputs.targetEndpoint);
        const client = new RegistryClient(inputs.targetEndpoint, { ...(credentials ? { credentials } : {}), scopes: [sourceScope, targetScope], pushRepositories, retry, mask });
        await client.authenticate();
        return { source: client, target: client };
    }
    const sourceCredentials = await credentialsFor(inputs.sourceEndpoint);
    const targetCredentials = await credentialsFor(inputs.targetEndpoint);
    const source = new RegistryClient(inputs.sourceEndpoint, { ...(sourceCredentials ? { credentials: sourceCredentials } : {}), scopes: [sourceScope], retry, mask });
    const target = new RegistryClient(inputs.targetEndpoint, { ...(targetCredentials ? { credentials: targetCredentials } : {}), scopes: [targetScope], pushRepositories, retry, mask });
    await Promise.all([source.authenticate(), target.authenticate()]);
    return { source, target };
}
function reference(endpoint, repository, tag) {
    return `${endpoint.name}/${repository}:${tag}`;
}
function report(inputs, plans, outcomes) {
    const rows = plans.map((plan, index) => {
        const outcome = outcomes?.[index];
        const action = outcome ? outcome.action : plan.action === 'skip' ? 'would skip' : 'would write';
        const blobs = outcome ? `${outcome.blobs.present} present, ${outcome.blobs.mounted} mounted, ${outcome.blobs.copied} copied` : '';
        return [reference(inputs.sourceEndpoint, inputs.sourceRepository, plan.sourceTag), plan.tree.manifest.digest, reference(inputs.targetEndpoint, inputs.targetRepository, plan.targetTag), action, blobs, outcome ? formatBytes(outcome.bytesMoved, 'binary') : ''];
    });
    for (const row of rows)
        info(`${row[0]} → ${row[2]}: ${row[3]} ${row[1]}${row[4] ? ` (${row[4]}; ${row[5]} moved)` : ''}`);
    addSummaryTable(`promote-images-preprod-to-prod${inputs.dryRun ? ' (dry run: nothing written)' : ''}`, ['Source', 'Digest', 'Target', 'Action', 'Blobs', 'Bytes moved'], rows);
}
/** Reads the inputs, plans, promotes, verifies, sets the outputs and the summary. */
async function run() {
    await runAction('promote-images-preprod-to-prod', async () => {
        const inputs = readInputs();
        const { source, target } = await clients(inputs);
        const plans = await planPromotion({ source, sourceRepository: inputs.sourceRepository, target, targetRepository: inputs.targetRepository, pairs: inputs.pairs, overwrite: inputs.overwrite, concurrency: inputs.concurrency });
        const outcomes = inputs.dryRun ? undefined : await executePromotion(plans, { source, sourceRepository: inputs.sourceRepository, target, targetRepository: inputs.targetRepository, concurrency: inputs.concurrency, log: (message) => info(message) });
        const promoted = plans.map((plan, index) => ({
            source: reference(inputs.sourceEndpoint, inputs.sourceRepository, plan.sourceTag),
            target: reference(inputs.targetEndpoint, inputs.targetRepository, plan.targetTag),
            digest: plan.tree.manifest.digest,
            action: outcomes?.[index]?.action ?? (plan.action === 'skip' ? 'would skip' : 'would write'),
        }));
        setOutput('promoted', JSON.stringify(promoted));
        setOutput('digests', JSON.stringify(Object.fromEntries(plans.map((plan) => [plan.targetTag, plan.tree.manifest.digest]))));
        report(inputs, plans, outcomes);
        if (outcomes && inputs.deleteSourceTags && inputs.credentials) {
            const deleted = await deleteDockerHubTags(inputs.hubApi, inputs.sourceRepository, [...new Set(plans.map((plan) => plan.sourceTag))], inputs.credentials, (secret) => setSecret(secret));
            addSummaryText(`Deleted from ${inputs.sourceRepository}: ${deleted.join(', ')}`);
            info(`Deleted source tags: ${deleted.join(', ')}`);
        }
        writeSummary();
    });
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(18);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
