import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 18:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _exegol_release_core__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(980);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(149);
/* harmony import */ var _post_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(550);



await (_exegol_release_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu('isPost') === 'true' ? (0,_post_js__WEBPACK_IMPORTED_MODULE_2__/* .post */ .b)() : (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)());

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 149:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
// EXTERNAL MODULE: ../../packages/core/src/action/runner.ts + 1 modules
var runner = __nccwpck_require__(980);
// EXTERNAL MODULE: ../../packages/core/src/action/errors.ts
var errors = __nccwpck_require__(91);
;// CONCATENATED MODULE: ../../packages/core/src/action/inputs.ts




/**
 * Typed readers of action inputs (`INPUT_<NAME>` environment variables,
 * hyphens kept). Every reader throws {@link InputError}, whose message starts
 * with the input's name, and never returns a half-valid value.
 */
/** Reads a string input, trimmed. Empty means absent: `fallback` is returned, or an error thrown when `required`. */
function readString(name, options = {}) {
    const value = runner/* getInput */.V4(name).trim();
    if (value !== '')
        return value;
    if (options.required)
        throw new errors/* InputError */.dz(name, 'is required and was not given');
    return options.fallback ?? '';
}
/** Reads `true`/`false` (any case; also yes/no, 1/0, on/off). Empty gives `fallback`. */
function readBoolean(name, fallback = false) {
    const value = runner/* getInput */.V4(name).trim().toLowerCase();
    if (value === '')
        return fallback;
    if (['true', 'yes', 'on', '1'].includes(value))
        return true;
    if (['false', 'no', 'off', '0'].includes(value))
        return false;
    throw new errors/* InputError */.dz(name, `must be true or false, got "${runner/* getInput */.V4(name).trim()}"`);
}
/**
 * Reads a multiline list: one item a line, trimmed; blank lines and lines
 * starting with `#` are left out.
 */
function readList(name) {
    return runner/* getInput */.V4(name)
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
    const text = core.getInput(name).trim();
    if (text === '')
        return options.fallback;
    const value = Number(text);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    if (!/^-?\d+$/.test(text) || value < min || value > max) {
        throw new InputError(name, `must be a whole number from ${min} to ${max}, got "${text}"`);
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
    const value = core.getInput(name).trim();
    if (value !== '')
        core.setSecret(value);
    return value;
}

// EXTERNAL MODULE: ../../packages/core/src/disk/min-free.ts
var min_free = __nccwpck_require__(716);
// EXTERNAL MODULE: ../../packages/core/src/disk/cleanup.ts + 1 modules
var cleanup = __nccwpck_require__(179);
// EXTERNAL MODULE: ../../packages/core/src/units/size.ts
var size = __nccwpck_require__(202);
// EXTERNAL MODULE: ../../packages/core/src/action/summary.ts
var summary = __nccwpck_require__(614);
// EXTERNAL MODULE: ../../packages/core/src/action/run-action.ts
var run_action = __nccwpck_require__(978);
// EXTERNAL MODULE: ../../packages/core/src/disk/check-disk.ts + 1 modules
var check_disk = __nccwpck_require__(629);
;// CONCATENATED MODULE: ./src/main.ts



const DOCKER_DATA_ROOT = '/var/lib/docker';
/** Seconds one cleanup command may take. */
const STEP_TIMEOUT_SECONDS = 30 * 60;
function defaultPaths(directories) {
    return [directories.workspace, directories.runnerTemp, (0,external_node_fs_.existsSync)(DOCKER_DATA_ROOT) ? DOCKER_DATA_ROOT : undefined].filter((entry) => Boolean(entry));
}
async function readRequest() {
    const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
    const directories = { workspace, runnerTemp: process.env['RUNNER_TEMP'] || undefined, toolCache: process.env['RUNNER_TOOL_CACHE'] || undefined };
    const given = readList('paths').map((entry) => external_node_path_default().resolve(workspace, entry));
    for (const entry of given)
        if (!(0,external_node_fs_.existsSync)(entry))
            throw new errors/* InputError */.dz('paths', `lists ${entry}, which does not exist`);
    const dockerCommand = readString('docker-command', { fallback: 'docker' }).split(/\s+/);
    return {
        paths: given.length ? given : defaultPaths(directories),
        minFree: (0,min_free/* parseMinFree */.M)(readString('min-free', { fallback: '100GB' }), 'min-free'),
        cleanup: await (0,cleanup/* parseCleanupSteps */.ln)(readList('cleanup'), 'cleanup', directories),
        dockerCommand,
        dockerFilters: readList('docker-prune-filter'),
        directories,
        stepTimeoutSeconds: STEP_TIMEOUT_SECONDS,
        fail: readBoolean('fail', true),
        log: (message) => runner/* info */.pq(message),
    };
}
/** Formats bytes in the kind of unit min-free was written in: GiB for IEC units, GB otherwise. */
function byteFormatter(minFree) {
    const style = minFree.kind === 'bytes' && minFree.binary ? 'binary' : 'decimal';
    return (bytes) => (0,size/* formatBytes */.z)(bytes, style);
}
function summarise(report, bytes) {
    (0,summary/* addSummaryTable */._s)(`check-runner-disk: ${report.ok ? 'enough free space' : 'short of disk'}`, ['Filesystem', 'Size', 'Free before', 'Free after', 'Target', 'Verdict'], report.filesystems.map((fs) => [`${fs.mountPoint} (${fs.paths.join(', ')})`, bytes(fs.sizeBytes), bytes(fs.freeBeforeBytes), bytes(fs.freeAfterBytes), bytes(fs.targetBytes), fs.verdict]));
    if (report.cleanup.length)
        (0,summary/* addSummaryTable */._s)('Cleanup', ['Step', 'Status', 'Freed', 'Detail'], report.cleanup.map((step) => [step.step, step.status, bytes(step.freedBytes), step.detail]));
}
/** Reads the inputs, checks and cleans the disk, sets the outputs, saves state for the post step. */
async function run() {
    runner/* saveState */.LZ('isPost', 'true');
    await (0,run_action/* runAction */.C)('check-runner-disk', async () => {
        const request = await readRequest();
        const report = await (0,check_disk/* checkDisk */.O)(request);
        const bytes = byteFormatter(request.minFree);
        for (const fs of report.filesystems)
            runner/* info */.pq(`${fs.mountPoint}: ${bytes(fs.freeAfterBytes)} free of ${bytes(fs.sizeBytes)}, target ${bytes(fs.targetBytes)}: ${fs.verdict}`);
        runner/* saveState */.LZ('filesystems', JSON.stringify(report.filesystems.map((fs) => ({ mountPoint: fs.mountPoint, freeBytes: fs.freeAfterBytes }))));
        runner/* setOutput */.uH('ok', String(report.ok));
        runner/* setOutput */.uH('free-bytes', String(report.leastFreeBytes));
        runner/* setOutput */.uH('freed-bytes', String(report.freedBytes));
        runner/* setOutput */.uH('report', JSON.stringify(report.filesystems));
        summarise(report, bytes);
        (0,summary/* writeSummary */.Sy)();
        if (report.ok)
            return;
        const low = report.filesystems
            .filter((fs) => fs.verdict === 'low')
            .map((fs) => `${fs.mountPoint} has ${bytes(fs.freeAfterBytes)} free, under its target of ${bytes(fs.targetBytes)} (min-free ${request.minFree.text})`)
            .join('; ');
        const advice = request.cleanup.length ? 'after every cleanup step' : 'and no cleanup step is configured (input cleanup)';
        if (request.fail)
            throw new errors/* ActionError */.lZ(`${low}, ${advice}`);
        runner/* warning */.$e(`${low}, ${advice}`, { title: 'Runner short of disk' });
    });
}


/***/ }),

/***/ 550:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var _exegol_release_core__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(978);
/* harmony import */ var _exegol_release_core__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(980);
/* harmony import */ var _exegol_release_core__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(629);
/* harmony import */ var _exegol_release_core__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(202);
/* harmony import */ var _exegol_release_core__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(614);

/** The post step: reports how much space the job consumed on each filesystem since the main step. */
async function post() {
    await (0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .C)('check-runner-disk (post)', async () => {
        const saved = _exegol_release_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu('filesystems');
        if (!saved) {
            _exegol_release_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq('The main step did not measure any filesystem: nothing to compare.');
            return;
        }
        const consumption = await (0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_2__/* .measureConsumption */ .Y)(JSON.parse(saved));
        for (const entry of consumption) {
            _exegol_release_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(entry.consumedBytes === undefined ? `${entry.mountPoint}: no longer readable` : `${entry.mountPoint}: this job consumed ${(0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z)(entry.consumedBytes)} (free ${(0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z)(entry.freeAtStartBytes)} → ${(0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z)(entry.freeNowBytes)})`);
        }
        (0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_4__/* .addSummaryTable */ ._s)('check-runner-disk: disk consumed by this job', ['Filesystem', 'Free after the check', 'Free now', 'Consumed'], consumption.map((entry) => [entry.mountPoint, (0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z)(entry.freeAtStartBytes), entry.freeNowBytes === undefined ? 'unreadable' : (0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z)(entry.freeNowBytes), entry.consumedBytes === undefined ? '' : (0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z)(entry.consumedBytes)]));
        (0,_exegol_release_core__WEBPACK_IMPORTED_MODULE_4__/* .writeSummary */ .Sy)();
    });
}


/***/ }),

/***/ 91:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   lZ: () => (/* binding */ ActionError)
/* harmony export */ });
/**
 * An error the user can act on: a bad input, a missing file, a refused
 * request. Its message is shown as it is, after "<action> failed: ".
 */
class ActionError extends Error {
    name = 'ActionError';
}
/** An input that failed validation. The message always starts with the input's name. */
class InputError extends ActionError {
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


/***/ }),

/***/ 978:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ runAction)
/* harmony export */ });
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(980);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(91);


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
            _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(error.stack);
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1(`${action} failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeError */ .Uc)(error)}`);
    }
}


/***/ }),

/***/ 980:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Yz: () => (/* binding */ debug),
  V4: () => (/* binding */ getInput),
  Gu: () => (/* binding */ getState),
  pq: () => (/* binding */ info),
  LZ: () => (/* binding */ saveState),
  C1: () => (/* binding */ setFailed),
  uH: () => (/* binding */ setOutput),
  $e: () => (/* binding */ warning)
});

// UNUSED EXPORTS: error, issueCommand, notice, setSecret

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
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
    if (!(0,external_node_fs_.existsSync)(file))
        throw new Error(`Missing file at path: ${file} (GITHUB_${command})`);
    // The containment check below is what makes a delimiter safe, not its unpredictability;
    // Math.random avoids loading crypto (about 5 ms of start-up).
    const delimiter = `ghadelimiter_${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
    if (name.includes(delimiter) || value.includes(delimiter))
        throw new Error(`Unexpected input: contains the delimiter "${delimiter}"`);
    (0,external_node_fs_.appendFileSync)(file, `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, 'utf8');
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


/***/ }),

/***/ 614:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Sy: () => (/* binding */ writeSummary),
/* harmony export */   _s: () => (/* binding */ addSummaryTable)
/* harmony export */ });
/* unused harmony exports escapeHtml, addSummaryText, addSummaryCode */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);

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
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file))
        throw new Error(`Missing file at path: ${file} (GITHUB_STEP_SUMMARY)`);
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.appendFileSync)(file, buffer, 'utf8');
    buffer = '';
}


/***/ }),

/***/ 629:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  O: () => (/* binding */ checkDisk),
  Y: () => (/* binding */ measureConsumption)
});

// EXTERNAL MODULE: ../../packages/core/src/disk/cleanup.ts + 1 modules
var disk_cleanup = __nccwpck_require__(179);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
;// CONCATENATED MODULE: ../../packages/core/src/disk/filesystem.ts


/**
 * The mount point holding `target`: walks up from its real path while the
 * parent directory is on the same device.
 *
 * @throws Error (ENOENT) when `target` does not exist
 */
async function mountPointOf(target) {
    let current = await (0,promises_.realpath)(target);
    const { dev: device } = await (0,promises_.stat)(current);
    for (;;) {
        const parent = external_node_path_default().dirname(current);
        if (parent === current || (await (0,promises_.stat)(parent)).dev !== device)
            return { mountPoint: current, device };
        current = parent;
    }
}
/**
 * Resolves each path to its filesystem; paths on the same filesystem are
 * grouped so that each filesystem is reported once, in the order first met.
 *
 * @throws Error (ENOENT) when a path does not exist
 */
async function resolveFilesystems(paths) {
    const byDevice = new Map();
    for (const target of paths) {
        const { mountPoint, device } = await mountPointOf(target);
        const known = byDevice.get(device);
        if (known)
            known.paths.push(target);
        else
            byDevice.set(device, { mountPoint, device, paths: [target] });
    }
    return [...byDevice.values()];
}
/** Reads a filesystem's size and free space from the kernel (statfs(2)). */
async function spaceOf(directory) {
    const stats = await (0,promises_.statfs)(directory);
    return { sizeBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize };
}

// EXTERNAL MODULE: ../../packages/core/src/disk/min-free.ts
var min_free = __nccwpck_require__(716);
;// CONCATENATED MODULE: ../../packages/core/src/disk/check-disk.ts



async function measure(filesystems) {
    return Promise.all(filesystems.map(async (filesystem) => (await spaceOf(filesystem.mountPoint)).freeBytes));
}
/**
 * Checks the free space of every filesystem holding one of `paths` against
 * `minFree` and, while any of them is short, runs the cleanup steps in order,
 * stopping as soon as every target is met. Space is read from the kernel
 * (statfs(2)) before and after each step.
 *
 * @throws Error (ENOENT) when a path does not exist; callers validate paths first
 */
async function checkDisk(request) {
    const filesystems = await resolveFilesystems(request.paths);
    const spaces = await Promise.all(filesystems.map((filesystem) => spaceOf(filesystem.mountPoint)));
    const sizes = spaces.map((space) => space.sizeBytes);
    const targets = sizes.map((size) => (0,min_free/* targetBytes */.H)(request.minFree, size));
    const before = spaces.map((space) => space.freeBytes);
    const short = (free) => free.some((bytes, index) => bytes < targets[index]);
    let current = before;
    const cleanup = [];
    for (const step of request.cleanup) {
        if (!short(current)) {
            cleanup.push({ step: (0,disk_cleanup/* stepName */.u)(step), status: 'not needed', freedBytes: 0, detail: 'every filesystem already meets its target' });
            continue;
        }
        request.log(`Cleaning: ${(0,disk_cleanup/* stepName */.u)(step)}`);
        const outcome = await (0,disk_cleanup/* runCleanupStep */.SE)(step, { dockerCommand: request.dockerCommand, filters: request.dockerFilters, directories: request.directories, timeoutSeconds: request.stepTimeoutSeconds });
        const after = await measure(filesystems);
        const freedBytes = after.reduce((total, bytes, index) => total + bytes - current[index], 0);
        cleanup.push({ step: (0,disk_cleanup/* stepName */.u)(step), status: outcome.ok ? 'ran' : 'failed', freedBytes, detail: outcome.detail });
        request.log(`  ${outcome.detail}`);
        current = after;
    }
    const reports = filesystems.map((filesystem, index) => {
        const target = targets[index];
        const freeAfter = current[index];
        const verdict = before[index] >= target ? 'ok' : freeAfter >= target ? 'cleaned' : 'low';
        return { mountPoint: filesystem.mountPoint, paths: filesystem.paths, sizeBytes: sizes[index], freeBeforeBytes: before[index], freeAfterBytes: freeAfter, targetBytes: target, verdict };
    });
    return {
        ok: reports.every((report) => report.verdict !== 'low'),
        filesystems: reports,
        cleanup,
        leastFreeBytes: Math.min(...current),
        freedBytes: Math.max(0, current.reduce((total, bytes, index) => total + bytes - before[index], 0)),
    };
}
/** Compares saved free space with the kernel's figures now. */
async function measureConsumption(snapshots) {
    return Promise.all(snapshots.map(async (snapshot) => {
        try {
            const { freeBytes } = await spaceOf(snapshot.mountPoint);
            return { mountPoint: snapshot.mountPoint, freeAtStartBytes: snapshot.freeBytes, freeNowBytes: freeBytes, consumedBytes: snapshot.freeBytes - freeBytes };
        }
        catch {
            return { mountPoint: snapshot.mountPoint, freeAtStartBytes: snapshot.freeBytes };
        }
    }));
}


/***/ }),

/***/ 179:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  ln: () => (/* binding */ parseCleanupSteps),
  SE: () => (/* binding */ runCleanupStep),
  u: () => (/* binding */ stepName)
});

// UNUSED EXPORTS: CLEANUP_STRATEGIES, dockerPruneArguments, emptyDirectory

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
// EXTERNAL MODULE: ../../packages/core/src/action/errors.ts
var errors = __nccwpck_require__(91);
;// CONCATENATED MODULE: ../../packages/core/src/util/command.ts
/**
 * Runs an executable without a shell and collects its output; never throws
 * for a non-zero exit, a missing executable or a timeout (code 1 then).
 * node:child_process is loaded on first use: actions that run no command start faster.
 *
 * @param options.timeoutSeconds kills the command after this many seconds (default: no limit)
 */
async function runCommand(file, args, options = {}) {
    const { execFile } = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 421, 23));
    return new Promise((resolve) => {
        execFile(file, [...args], { ...(options.cwd ? { cwd: options.cwd } : {}), timeout: (options.timeoutSeconds ?? 0) * 1000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, output: `${stdout}${stderr}`, missing: error?.code === 'ENOENT' });
        });
    });
}

;// CONCATENATED MODULE: ../../packages/core/src/disk/cleanup.ts




/** The named cleanup strategies, in the words users write in `cleanup`. */
const CLEANUP_STRATEGIES = ['docker-builder', 'docker-images', 'docker-volumes', 'docker-system', 'runner-temp', 'tool-cache'];
/** A step's name as users wrote it. */
function stepName(step) {
    return step.kind === 'directory' ? step.path : step.kind;
}
async function existingDirectory(directory) {
    try {
        return (await (0,promises_.stat)(directory)).isDirectory();
    }
    catch {
        return false;
    }
}
/**
 * Parses the `cleanup` lines, in order: a strategy name, or a directory
 * (a line holding `/` or starting with `.` or `~`; relative to the
 * workspace) whose contents may be removed.
 *
 * @throws InputError naming `input` for an unknown strategy, a directory that does not exist, the root directory, or a strategy whose runner directory is not set
 */
async function parseCleanupSteps(lines, input, directories) {
    const steps = [];
    for (const line of lines) {
        if (CLEANUP_STRATEGIES.includes(line)) {
            const kind = line;
            if (kind === 'runner-temp' && !directories.runnerTemp)
                throw new errors/* InputError */.dz(input, 'lists runner-temp, but RUNNER_TEMP is not set');
            if (kind === 'tool-cache' && !directories.toolCache)
                throw new errors/* InputError */.dz(input, 'lists tool-cache, but RUNNER_TOOL_CACHE is not set');
            steps.push({ kind });
            continue;
        }
        if (!/[/\\]|^[.~]/.test(line))
            throw new errors/* InputError */.dz(input, `has an unknown strategy "${line}"; use ${CLEANUP_STRATEGIES.join(', ')} or a directory path`);
        const home = process.env['HOME'] ?? '';
        const resolved = external_node_path_default().resolve(directories.workspace, line.startsWith('~') ? external_node_path_default().join(home, line.slice(1)) : line);
        if (resolved === external_node_path_default().parse(resolved).root)
            throw new errors/* InputError */.dz(input, `lists the root directory ${resolved}: refusing to empty it`);
        if (!(await existingDirectory(resolved)))
            throw new errors/* InputError */.dz(input, `lists ${line}, which is not an existing directory`);
        steps.push({ kind: 'directory', path: resolved });
    }
    return steps;
}
/**
 * The docker command line of a docker strategy (Docker CLI reference,
 * `docker builder prune`, `docker image prune`, `docker volume prune`,
 * `docker system prune`). `docker volume prune` takes no `until` filter, so
 * only label filters are passed to it.
 *
 * @param filters `--filter` values, e.g. `until=24h`, `label=org.exegol.app=Exegol`
 * @returns the arguments after the docker command
 */
function dockerPruneArguments(kind, filters) {
    const usable = kind === 'docker-volumes' ? filters.filter((filter) => filter.startsWith('label')) : filters;
    const filterArguments = usable.flatMap((filter) => ['--filter', filter]);
    switch (kind) {
        case 'docker-builder':
            return ['builder', 'prune', '--force', ...filterArguments];
        case 'docker-images':
            return ['image', 'prune', '--all', '--force', ...filterArguments];
        case 'docker-volumes':
            return ['volume', 'prune', '--force', ...filterArguments];
        case 'docker-system':
            return ['system', 'prune', '--all', '--force', ...filterArguments];
    }
}
/** Removes everything inside `directory`, keeping the directory itself. */
async function emptyDirectory(directory) {
    const entries = await (0,promises_.readdir)(directory);
    await Promise.all(entries.map((entry) => (0,promises_.rm)(external_node_path_default().join(directory, entry), { recursive: true, force: true })));
}
/**
 * Runs one cleanup step. A failing docker command is an outcome, not an
 * exception, so that the next step can still run.
 *
 * @param dockerCommand the docker executable and any leading words, e.g. ['docker'] or ['sudo', 'docker']
 */
async function runCleanupStep(step, options) {
    if (step.kind === 'directory' || step.kind === 'runner-temp' || step.kind === 'tool-cache') {
        const directory = step.kind === 'directory' ? step.path : step.kind === 'runner-temp' ? options.directories.runnerTemp : options.directories.toolCache;
        try {
            await emptyDirectory(directory);
            return { ok: true, detail: `emptied ${directory}` };
        }
        catch (error) {
            return { ok: false, detail: `emptying ${directory} failed: ${error.message}` };
        }
    }
    const command = [...options.dockerCommand, ...dockerPruneArguments(step.kind, options.filters)];
    const [file, ...args] = command;
    const result = await runCommand(file, args, { timeoutSeconds: options.timeoutSeconds });
    const ok = result.code === 0;
    const output = result.missing ? `${file} was not found` : result.output.trim() || `exit ${result.code}`;
    const reclaimed = /Total reclaimed space:\s*(.+)/.exec(output)?.[1]?.trim();
    return { ok, detail: `${command.join(' ')}${ok ? (reclaimed ? ` (docker says: ${reclaimed} reclaimed)` : '') : ` failed: ${output}`}` };
}


/***/ }),

/***/ 716:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ targetBytes),
/* harmony export */   M: () => (/* binding */ parseMinFree)
/* harmony export */ });
/* harmony import */ var _action_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(91);
/* harmony import */ var _units_size_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(202);


/**
 * Parses a `min-free` value: a size (100GB, 100GiB, 500MB) or a percentage of
 * the filesystem's size (10%, 0 to 100).
 *
 * @throws InputError naming `input` for anything else, or a percentage over 100
 */
function parseMinFree(text, input) {
    const trimmed = text.trim();
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
    if (percent) {
        const value = Number(percent[1]);
        if (value > 100)
            throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${trimmed}" is over 100%`);
        return { kind: 'percent', percent: value, text: trimmed };
    }
    try {
        return { kind: 'bytes', bytes: (0,_units_size_js__WEBPACK_IMPORTED_MODULE_1__/* .parseSize */ .D)(trimmed), text: trimmed, binary: /i[bB]$/.test(trimmed) };
    }
    catch (error) {
        throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `${error.message}, or a percentage such as 10%`);
    }
}
/** The free bytes a filesystem of `sizeBytes` must keep under `minFree` (a percentage is rounded up). */
function targetBytes(minFree, sizeBytes) {
    return minFree.kind === 'bytes' ? minFree.bytes : Math.ceil((sizeBytes * minFree.percent) / 100);
}


/***/ }),

/***/ 202:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ parseSize),
/* harmony export */   z: () => (/* binding */ formatBytes)
/* harmony export */ });
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
function parseSize(text) {
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


/***/ }),

/***/ 421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

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
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
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
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
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
