export const id = 322;
export const ids = [322];
export const modules = {

/***/ 3322:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  mlflowClient: () => (/* binding */ mlflowClient)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./.cache/build/src/core/errors.js
var errors = __webpack_require__(3885);
;// CONCATENATED MODULE: ./.cache/build/src/mlflow/connection.js


function nonEmpty(value) {
    const trimmed = value?.trim();
    return trimmed ? trimmed : undefined;
}
/** Scheme and host (with port) of a URL; never user info, path or query. */
function serverLabel(url) {
    return `${url.protocol}//${url.host}`;
}
function resolveConnection(inputs, env, readFile = path => (0,external_node_fs_.readFileSync)(path, 'utf8')) {
    const uri = nonEmpty(inputs['tracking-uri']) ?? nonEmpty(env.MLFLOW_TRACKING_URI);
    if (!uri) {
        throw new errors/* FieldError */.bg('tracking-uri', 'is not set and MLFLOW_TRACKING_URI is empty; set it to your tracking server, e.g. https://mlflow.example.com');
    }
    let url;
    try {
        url = new URL(uri);
    }
    catch {
        throw new errors/* FieldError */.bg('tracking-uri', 'is not a URL; use http(s)://host[:port][/path] (file: and databricks URIs are not supported)');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new errors/* FieldError */.bg('tracking-uri', `uses '${url.protocol}'; only http:// and https:// tracking servers are supported`);
    }
    // Credentials embedded in the URI are honoured but never kept in the URL we log or send.
    const urlUser = url.username ? decodeURIComponent(url.username) : undefined;
    const urlPassword = url.password ? decodeURIComponent(url.password) : undefined;
    url.username = '';
    url.password = '';
    const username = nonEmpty(inputs['tracking-username']) ?? nonEmpty(env.MLFLOW_TRACKING_USERNAME) ?? urlUser;
    const password = nonEmpty(inputs['tracking-password']) ?? nonEmpty(env.MLFLOW_TRACKING_PASSWORD) ?? urlPassword;
    const token = nonEmpty(inputs['tracking-token']) ?? nonEmpty(env.MLFLOW_TRACKING_TOKEN);
    let auth = { kind: 'none' };
    if (username && password)
        auth = { kind: 'basic', username, password };
    else if (token)
        auth = { kind: 'bearer', token };
    else if (username || password) {
        throw new errors/* FieldError */.bg(username ? 'tracking-password' : 'tracking-username', "is missing: basic auth needs both 'tracking-username' and 'tracking-password'");
    }
    const insecure = inputs['tracking-insecure-tls'] === true ||
        (env.MLFLOW_TRACKING_INSECURE_TLS ?? '').toLowerCase() === 'true';
    const caPath = nonEmpty(inputs['tracking-server-cert-path']) ?? nonEmpty(env.MLFLOW_TRACKING_SERVER_CERT_PATH);
    const clientPath = nonEmpty(inputs['tracking-client-cert-path']) ?? nonEmpty(env.MLFLOW_TRACKING_CLIENT_CERT_PATH);
    if (insecure && caPath) {
        // MLflow's own client refuses this combination too.
        throw new errors/* FieldError */.bg('tracking-insecure-tls', "and 'tracking-server-cert-path' are both set; use one of them");
    }
    const tls = { insecure };
    if (caPath)
        tls.ca = readCert(readFile, caPath, 'tracking-server-cert-path');
    if (clientPath)
        tls.clientCert = readCert(readFile, clientPath, 'tracking-client-cert-path');
    const baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    return { baseUrl, server: serverLabel(url), auth, tls };
}
function readCert(readFile, path, input) {
    try {
        return readFile(path);
    }
    catch {
        throw new errors/* FieldError */.bg(input, `names '${path}', which cannot be read; check the path`);
    }
}
/** Values to mask before anything is logged. */
/**
 * The secrets a tracking URI may carry, to mask before anything is printed: its password and
 * its query values of 4 characters or more (some proxies take a token there). Empty when it is
 * not a URL; whoever needs the URI reports that.
 */
function uriSecrets(uri) {
    if (!uri?.trim())
        return [];
    try {
        const url = new URL(uri.trim());
        return [
            ...(url.password ? [decodeURIComponent(url.password)] : []),
            ...[...url.searchParams.values()].filter(value => value.length >= 4)
        ];
    }
    catch {
        return [];
    }
}
function connectionSecrets(connection) {
    const { auth } = connection;
    if (auth.kind === 'basic') {
        return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    }
    if (auth.kind === 'bearer')
        return [auth.token];
    return [];
}

// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
;// CONCATENATED MODULE: ./.cache/build/src/core/backoff.js
/** Polls: 250 ms, doubling, capped at 5 s. */
const POLL_BACKOFF = { firstMs: 250, factor: 2, capMs: 5000, jitter: 'half' };
/** The wait after the n-th failed try (n from 0). */
function backoffDelay(attempt, backoff, random) {
    const full = Math.min(backoff.capMs, backoff.firstMs * backoff.factor ** attempt);
    if (backoff.jitter === 'none')
        return full;
    if (backoff.jitter === 'full')
        return Math.floor(random() * full);
    return full / 2 + (random() * full) / 2;
}
/**
 * Calls `look` until it returns a value, sleeping with backoff in between. `look` returns
 * undefined for "not yet" and throws for "never". Returns undefined when the timeout runs out;
 * the first look is immediate, so a state that is already right costs one call and no wait.
 */
async function waitFor(look, options) {
    const backoff = options.backoff ?? POLL_BACKOFF;
    const started = options.clock.now();
    for (let attempt = 0;; attempt++) {
        const value = await look();
        if (value !== undefined)
            return value;
        const wait = backoffDelay(attempt, backoff, options.random);
        const elapsed = options.clock.now() - started;
        if (elapsed >= options.timeoutMs)
            return undefined;
        await options.clock.sleep(Math.min(wait, Math.max(0, options.timeoutMs - elapsed)));
    }
}

;// CONCATENATED MODULE: ./.cache/build/src/core/time.js
const systemClock = {
    now: () => Date.now(),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
};

;// CONCATENATED MODULE: ./.cache/build/src/mlflow/errors.js

/**
 * A tracking-server answer that is not success. The message is one line naming the error code,
 * the object and the server (scheme and host only, never credentials or paths).
 */
class MlflowApiError extends errors/* ActionError */.lZ {
    errorCode;
    status;
    operation;
    server;
    serverMessage;
    constructor(errorCode, status, operation, server, serverMessage) {
        super(MlflowApiError.describe(errorCode, status, operation, server, serverMessage));
        this.errorCode = errorCode;
        this.status = status;
        this.operation = operation;
        this.server = server;
        this.serverMessage = serverMessage;
    }
    static describe(code, status, op, server, serverMessage) {
        const detail = serverMessage ? ` (server said: ${oneLine(serverMessage)})` : '';
        switch (code) {
            case 'RESOURCE_DOES_NOT_EXIST':
                return `RESOURCE_DOES_NOT_EXIST: ${op.object} not found at ${server}`;
            case 'UNAUTHENTICATED':
                return (`UNAUTHENTICATED: ${server} rejected the credentials while trying to ${op.action} ${op.object}; ` +
                    'check tracking-username/tracking-password or tracking-token (MLFLOW_TRACKING_USERNAME, ' +
                    'MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_TOKEN)');
            case 'PERMISSION_DENIED':
                return (`PERMISSION_DENIED: the tracking user may not ${op.action} ${op.object} at ${server}; ` +
                    'grant the permission in MLflow or use another account');
            default:
                return `${code}: could not ${op.action} ${op.object} at ${server} (HTTP ${status})${detail}`;
        }
    }
}
/** The server could not be reached, or kept failing after the bounded retries. */
class MlflowUnavailableError extends errors/* ActionError */.lZ {
}
function oneLine(text) {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

;// CONCATENATED MODULE: ./.cache/build/src/mlflow/http.js





const DEFAULT_RETRY = {
    maxRetries: 5,
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
    totalBudgetMs: 120_000,
    requestTimeoutMs: 30_000
};
/** The same knobs MLflow's Python client reads, plus a total budget of our own. */
function retryPolicyFromEnv(env) {
    const num = (name) => {
        const raw = env[name]?.trim();
        if (!raw)
            return undefined;
        const value = Number(raw);
        return Number.isFinite(value) && value >= 0 ? value : undefined;
    };
    const retries = num('MLFLOW_HTTP_REQUEST_MAX_RETRIES');
    const factor = num('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR');
    const timeout = num('MLFLOW_HTTP_REQUEST_TIMEOUT');
    const budget = num('MODEL_GOVERNANCE_HTTP_RETRY_BUDGET_SECONDS');
    return {
        maxRetries: retries === undefined ? DEFAULT_RETRY.maxRetries : Math.floor(retries),
        baseDelayMs: factor === undefined ? DEFAULT_RETRY.baseDelayMs : factor * 1000,
        maxDelayMs: DEFAULT_RETRY.maxDelayMs,
        totalBudgetMs: budget === undefined ? DEFAULT_RETRY.totalBudgetMs : budget * 1000,
        requestTimeoutMs: timeout === undefined ? DEFAULT_RETRY.requestTimeoutMs : timeout * 1000
    };
}
const MIB = 1024 * 1024;
const DEFAULT_LIMITS = {
    maxResponseBytes: 32 * MIB,
    maxDownloadBytes: 10 * 1024 * MIB
};
/** An error answer is only read for its code and message; the rest is dropped. */
const ERROR_BODY_LIMIT = 64 * 1024;
function responseLimitsFromEnv(env) {
    const mib = (name, fallback) => {
        const raw = env[name]?.trim();
        const value = raw ? Number(raw) : NaN;
        return Number.isFinite(value) && value > 0 ? Math.floor(value * MIB) : fallback;
    };
    return {
        maxResponseBytes: mib('MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB', DEFAULT_LIMITS.maxResponseBytes),
        maxDownloadBytes: mib('MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB', DEFAULT_LIMITS.maxDownloadBytes)
    };
}
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** MLflow answers a fatal archive-stage misuse with 500; retrying cannot help it. */
const FATAL_500_CODES = new Set(['INVALID_STATE', 'BAD_REQUEST', 'INVALID_PARAMETER_VALUE']);
/** Low-level JSON-over-HTTP with MLflow's error model. Registry operations live in registry.ts. */
class MlflowHttp {
    connection;
    options;
    server;
    retry;
    limits;
    clock;
    random;
    dispatcher;
    headers;
    constructor(connection, options) {
        this.connection = connection;
        this.options = options;
        this.server = connection.server;
        this.retry = options.retry ?? DEFAULT_RETRY;
        this.limits = options.limits ?? DEFAULT_LIMITS;
        this.clock = options.clock ?? systemClock;
        this.random = options.random ?? Math.random;
        this.dispatcher =
            options.dispatcher ??
                new undici/* Agent */.g6({
                    connect: {
                        rejectUnauthorized: !connection.tls.insecure,
                        ...(connection.tls.ca ? { ca: connection.tls.ca } : {}),
                        ...(connection.tls.clientCert
                            ? { cert: connection.tls.clientCert, key: connection.tls.clientCert }
                            : {})
                    }
                });
        this.headers = { accept: 'application/json', 'user-agent': 'model-governance' };
        const { auth } = connection;
        if (auth.kind === 'basic') {
            const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
            this.headers.authorization = `Basic ${encoded}`;
        }
        else if (auth.kind === 'bearer') {
            this.headers.authorization = `Bearer ${auth.token}`;
        }
    }
    get(path, query, schema, op) {
        return this.call('GET', path, query, undefined, schema, op);
    }
    post(path, body, schema, op) {
        return this.call('POST', path, {}, body, schema, op);
    }
    patch(path, body, schema, op) {
        return this.call('PATCH', path, {}, body, schema, op);
    }
    delete(path, body, schema, op) {
        return this.call('DELETE', path, {}, body, schema, op);
    }
    /**
     * GET a raw body (artifact bytes) through the same auth, TLS, retry and error handling. A path
     * starting with '/' is taken from the server root (e.g. /api/2.0/mlflow-artifacts/...). The
     * body is handed to `consume` as a stream, so memory stays bounded whatever its size; a retry
     * calls `consume` again from the start. The stream fails when no byte comes for one request
     * timeout (a stall), when the whole call outlives the retry budget (a server dripping bytes),
     * or when it passes maxDownloadBytes.
     */
    stream(path, query, op, consume) {
        return this.call('GET', path, query, undefined, undefined, op, consume);
    }
    async close() {
        if (!this.options.dispatcher)
            await this.dispatcher.close();
    }
    url(path, query) {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(query)) {
            if (value === undefined)
                continue;
            if (Array.isArray(value))
                for (const item of value)
                    params.append(key, item);
            else
                params.append(key, String(value));
        }
        const qs = params.toString();
        if (path.startsWith('/'))
            return `${this.connection.baseUrl}${path}${qs ? `?${qs}` : ''}`;
        return `${this.connection.baseUrl}/api/2.0/mlflow/${path}${qs ? `?${qs}` : ''}`;
    }
    async call(method, path, query, body, schema, op, consume) {
        const started = this.clock.now();
        const url = this.url(path, query);
        const headers = { ...this.headers };
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        let lastProblem = 'no attempt fitted in the time budget';
        let attempts = 0;
        for (let attempt = 0;; attempt++) {
            // Every attempt, a download included, ends by the retry budget: the deadline is what is left.
            const remaining = this.retry.totalBudgetMs - (this.clock.now() - started);
            if (remaining <= 0)
                break;
            attempts = attempt + 1;
            const perRequest = Math.min(this.retry.requestTimeoutMs, remaining);
            let retryAfterMs;
            try {
                const response = await (0,undici/* request */.Em)(url, {
                    method,
                    headers,
                    body: body === undefined ? null : JSON.stringify(body),
                    dispatcher: this.dispatcher,
                    headersTimeout: perRequest,
                    // Between two chunks: a stalled body fails after one request timeout.
                    bodyTimeout: this.retry.requestTimeoutMs,
                    // The whole exchange: one request timeout for a JSON call; for a download, which may
                    // legitimately take longer, the rest of the budget (so a drip of bytes still ends).
                    signal: AbortSignal.timeout(consume ? remaining : perRequest)
                });
                if (consume && response.statusCode >= 200 && response.statusCode < 300) {
                    const limit = this.limits.maxDownloadBytes;
                    this.refuseDeclaredSize(response.headers['content-length'], true, op, response.body);
                    return await consume(capped(response.body, limit, () => this.tooLarge(op, true)));
                }
                if (response.statusCode >= 200 && response.statusCode < 300) {
                    const limit = this.limits.maxResponseBytes;
                    this.refuseDeclaredSize(response.headers['content-length'], false, op, response.body);
                    const text = await readText(response.body, limit, () => this.tooLarge(op, false));
                    return this.validate(text, schema, op);
                }
                const text = await readText(response.body, ERROR_BODY_LIMIT, undefined);
                const { code, message } = parseError(response.statusCode, text);
                const retryable = RETRYABLE_STATUS.has(response.statusCode) &&
                    !(response.statusCode === 500 && FATAL_500_CODES.has(code));
                if (!retryable) {
                    throw new MlflowApiError(code, response.statusCode, op, this.server, message);
                }
                lastProblem = `${code} (HTTP ${response.statusCode})`;
                retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.clock.now());
            }
            catch (error) {
                // Our own refusals (too large, not JSON) and a consumer's deliberate errors are final.
                if (error instanceof errors/* ActionError */.lZ)
                    throw error;
                lastProblem = networkProblem(error, consume ? remaining : perRequest);
            }
            if (attempt >= this.retry.maxRetries)
                break;
            const jittered = backoffDelay(attempt, {
                firstMs: this.retry.baseDelayMs,
                factor: 2,
                capMs: this.retry.maxDelayMs,
                jitter: 'half'
            }, this.random);
            // A server's Retry-After is a floor: never ask again sooner than it said.
            const wait = Math.max(retryAfterMs ?? 0, jittered);
            const elapsed = this.clock.now() - started;
            if (elapsed + wait > this.retry.totalBudgetMs)
                break;
            this.options.logger.debug(`MLflow ${method} ${path} attempt ${attempt + 1} failed (${lastProblem}); retrying in ${Math.round(wait)} ms`);
            await this.clock.sleep(wait);
        }
        throw new MlflowUnavailableError(`Could not ${op.action} ${op.object}: ${this.server} did not answer successfully (${lastProblem}) ` +
            `after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${((this.clock.now() - started) / 1000).toFixed(1)} s ` +
            `(limits: ${this.retry.maxRetries + 1} attempts, ${Math.round(this.retry.totalBudgetMs / 1000)} s); ` +
            'check that the tracking server is up and reachable from the runner');
    }
    tooLarge(op, download) {
        const limit = download ? this.limits.maxDownloadBytes : this.limits.maxResponseBytes;
        return new MlflowApiError('RESPONSE_TOO_LARGE', 200, op, this.server, `the answer is larger than ${formatBytes(limit)}; raise ${download
            ? 'MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB'
            : 'MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB'} if this server really sends that much`);
    }
    /** A Content-Length above the cap is refused before a byte of the body is read. */
    refuseDeclaredSize(header, download, op, body) {
        const limit = download ? this.limits.maxDownloadBytes : this.limits.maxResponseBytes;
        const declared = Number(Array.isArray(header) ? header[0] : header);
        if (Number.isFinite(declared) && declared > limit) {
            body.destroy();
            throw this.tooLarge(op, download);
        }
    }
    validate(text, schema, op) {
        let json;
        try {
            json = text.trim() === '' ? {} : JSON.parse(text);
        }
        catch {
            throw new MlflowApiError('INVALID_RESPONSE', 200, op, this.server, 'the body is not JSON');
        }
        const result = schema.safeParse(json);
        if (!result.success) {
            const issue = result.error.issues[0];
            const where = issue
                ? `${issue.path.join('.') || '(root)'}: ${issue.message}`
                : 'unexpected shape';
            throw new MlflowApiError('INVALID_RESPONSE', 200, op, this.server, `unexpected response, ${where}`);
        }
        return result.data;
    }
}
/** MLflow answers JSON errors, except basic-auth, which answers 401/403 in plain text. */
function parseError(status, text) {
    try {
        const json = JSON.parse(text);
        if (typeof json.error_code === 'string') {
            return {
                code: json.error_code,
                message: typeof json.message === 'string' ? json.message : ''
            };
        }
    }
    catch {
        // plain text: handled below
    }
    const byStatus = {
        400: 'BAD_REQUEST',
        401: 'UNAUTHENTICATED',
        403: 'PERMISSION_DENIED',
        404: 'ENDPOINT_NOT_FOUND',
        408: 'REQUEST_TIMEOUT',
        429: 'REQUEST_LIMIT_EXCEEDED',
        500: 'INTERNAL_ERROR',
        502: 'BAD_GATEWAY',
        503: 'TEMPORARILY_UNAVAILABLE',
        504: 'DEADLINE_EXCEEDED'
    };
    return { code: byStatus[status] ?? `HTTP_${status}`, message: text.slice(0, 500) };
}
function parseRetryAfter(header, now) {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value)
        return undefined;
    if (/^\d+(\.\d+)?$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
const TIMEOUT_CODES = new Set([
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CONNECT_TIMEOUT'
]);
function networkProblem(error, deadlineMs) {
    // Duck-typed: AbortSignal.timeout rejects with a DOMException, which is not always an Error
    // of this realm (jest's VM contexts), and undici's errors carry their code on them or a cause.
    if (typeof error !== 'object' || error === null)
        return 'network error';
    const { name, code, cause } = error;
    if (name === 'TimeoutError' || (name === 'AbortError' && code === undefined))
        return `no complete answer within ${(deadlineMs / 1000).toFixed(1)} s`;
    if (typeof code === 'string' && TIMEOUT_CODES.has(code))
        return `timed out (${code})`;
    const detail = typeof code === 'string'
        ? code
        : typeof cause?.code === 'string'
            ? cause.code
            : typeof name === 'string'
                ? name
                : '';
    return detail ? `network error ${detail}` : 'network error';
}
function formatBytes(bytes) {
    return bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes} bytes`;
}
/**
 * Reads a body as UTF-8 up to `limit` bytes. Past it, `tooLarge` decides: an error to throw (a
 * success answer), or undefined to keep what was read and drop the rest (an error answer).
 */
async function readText(body, limit, tooLarge) {
    const chunks = [];
    let size = 0;
    for await (const chunk of body) {
        size += chunk.length;
        if (size > limit) {
            body.destroy();
            if (tooLarge)
                throw tooLarge();
            chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length - (size - limit)));
            break;
        }
        // undici hands out a fresh Buffer per chunk: kept as it is, not copied.
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    }
    return Buffer.concat(chunks).toString('utf8');
}
/** Passes a body through, failing as soon as more than `limit` bytes have come. */
async function* capped(body, limit, tooLarge) {
    let size = 0;
    try {
        for await (const chunk of body) {
            size += chunk.length;
            if (size > limit)
                throw tooLarge();
            yield chunk;
        }
    }
    finally {
        // The consumer stopped early, failed or the cap was hit: release the connection either way.
        if (size > limit || !isEnded(body))
            body.destroy();
    }
}
function isEnded(body) {
    return body.readableEnded === true;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(8816);
;// CONCATENATED MODULE: ./.cache/build/src/mlflow/schemas.js

/**
 * Response shapes. MLflow omits unset and empty fields, so everything not always present is
 * optional, and arrays default to empty.
 */
const tag = schemas/* object */.Ikc({ key: schemas/* string */.YjP(), value: schemas/* string */.YjP().optional().default('') });
/** int64 values arrive as numbers, or as strings through some proxies. */
const int64 = schemas/* union */.KCZ([
    schemas/* number */.aig(),
    schemas/* string */.YjP()
        .regex(/^-?\d+$/)
        .transform(Number)
]);
/** Protobuf JSON writes NaN and Infinity as strings. */
const metricValue = schemas/* union */.KCZ([
    schemas/* number */.aig(),
    schemas/* enum */.k5n(['NaN', 'Infinity', '-Infinity']).transform(Number)
]);
const modelVersionSchema = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    version: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig().transform(String)]),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    user_id: schemas/* string */.YjP().optional(),
    current_stage: schemas/* string */.YjP().optional().default('None'),
    description: schemas/* string */.YjP().optional(),
    source: schemas/* string */.YjP().optional(),
    run_id: schemas/* string */.YjP().optional(),
    run_link: schemas/* string */.YjP().optional(),
    status: schemas/* string */.YjP().optional().default('READY'),
    status_message: schemas/* string */.YjP().optional(),
    tags: schemas/* array */.YOg(tag).optional().default([]),
    aliases: schemas/* array */.YOg(schemas/* string */.YjP()).optional().default([]),
    model_id: schemas/* string */.YjP().optional()
});
const registeredModelSchema = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    user_id: schemas/* string */.YjP().optional(),
    description: schemas/* string */.YjP().optional(),
    latest_versions: schemas/* array */.YOg(modelVersionSchema).optional().default([]),
    tags: schemas/* array */.YOg(tag).optional().default([]),
    aliases: schemas/* array */.YOg(schemas/* object */.Ikc({ alias: schemas/* string */.YjP(), version: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig().transform(String)]) }))
        .optional()
        .default([])
});
const metricSchema = schemas/* object */.Ikc({
    key: schemas/* string */.YjP(),
    value: metricValue,
    timestamp: int64.optional(),
    step: int64.optional().default(0)
});
/** What runs and logged models both carry: where they live and how they ended. */
const trackedRecord = {
    experiment_id: schemas/* string */.YjP().optional(),
    artifact_uri: schemas/* string */.YjP().optional(),
    status: schemas/* string */.YjP().optional()
};
const runSchema = schemas/* object */.Ikc({
    info: schemas/* object */.Ikc({
        run_id: schemas/* string */.YjP(),
        ...trackedRecord,
        run_name: schemas/* string */.YjP().optional(),
        user_id: schemas/* string */.YjP().optional(),
        start_time: int64.optional(),
        end_time: int64.optional(),
        lifecycle_stage: schemas/* string */.YjP().optional()
    }),
    data: schemas/* object */.Ikc({
        metrics: schemas/* array */.YOg(metricSchema).optional().default([]),
        params: schemas/* array */.YOg(tag).optional().default([]),
        tags: schemas/* array */.YOg(tag).optional().default([])
    })
        .optional()
        .default({ metrics: [], params: [], tags: [] })
});
const loggedModelSchema = schemas/* object */.Ikc({
    info: schemas/* object */.Ikc({
        model_id: schemas/* string */.YjP(),
        ...trackedRecord,
        name: schemas/* string */.YjP().optional(),
        source_run_id: schemas/* string */.YjP().optional(),
        tags: schemas/* array */.YOg(tag).optional().default([])
    }),
    data: schemas/* object */.Ikc({
        params: schemas/* array */.YOg(tag).optional().default([]),
        metrics: schemas/* array */.YOg(metricSchema.extend({
            dataset_name: schemas/* string */.YjP().optional(),
            dataset_digest: schemas/* string */.YjP().optional(),
            run_id: schemas/* string */.YjP().optional()
        }))
            .optional()
            .default([])
    })
        .optional()
        .default({ params: [], metrics: [] })
});
const empty = schemas/* object */.Ikc({}).passthrough();
/** A folder listing, as both artifacts/list and the artifact proxy answer it. */
const artifactListSchema = schemas/* object */.Ikc({
    files: schemas/* array */.YOg(schemas/* object */.Ikc({
        path: schemas/* string */.YjP(),
        is_dir: schemas/* boolean */.zMY().optional().default(false),
        file_size: schemas/* union */.KCZ([schemas/* number */.aig(), schemas/* string */.YjP().transform(Number)]).optional()
    }))
        .optional()
        .default([])
});

;// CONCATENATED MODULE: ./.cache/build/src/mlflow/registry.js



/** The four stages MLflow knows, in its spelling. */
const MLFLOW_STAGES = (/* unused pure expression or super */ null && (['None', 'Staging', 'Production', 'Archived']));
/** Versions per search page: a reply of 1,000 versions with tags stays far below the 32 MiB cap. */
const SEARCH_PAGE_SIZE = 1000;
/** Values per metric-history page (MLflow's own client asks for 25,000). */
const METRIC_PAGE_SIZE = 25000;
/**
 * Pages followed before a search is refused: 10 million versions at SEARCH_PAGE_SIZE, far more
 * than any registry holds, and a hard stop for a server that keeps inventing fresh tokens.
 */
const MAX_PAGES = 10_000;
const versionLabel = (name, version) => `registered model '${name}' version ${version}`;
/**
 * A reply must be about what was asked: a proxy, a cache or a confused server that answers with
 * another model, version or run would otherwise have that object promoted, gated or audited.
 * Names are compared exactly (MLflow's are case-sensitive); versions as decimal numbers.
 */
function expectReply(server, op, field, asked, got) {
    const same = field === 'version' ? sameVersion(asked, got) : asked === got;
    if (same)
        return;
    throw new MlflowApiError('MISMATCHED_RESPONSE', 200, op, server, `asked for ${field} ${JSON.stringify(asked)} and the reply names ${got === undefined ? 'none' : JSON.stringify(got.slice(0, 100))}; refusing to use it (check proxies and caches between the runner and the tracking server)`);
}
function sameVersion(asked, got) {
    return got !== undefined && /^\d+$/.test(asked.trim()) && /^\d+$/.test(got.trim())
        ? BigInt(asked.trim()) === BigInt(got.trim())
        : asked === got;
}
/**
 * Typed registry and tracking operations over MlflowHttp. Paths and fields follow
 * MLflow's REST API reference (mlflow.org/docs/latest/api_reference/rest-api.html); versions
 * are always sent as strings.
 */
class MlflowClient {
    http;
    paging;
    /** `maxPages`: MAX_PAGES unless a test needs a smaller stop. */
    constructor(http, paging = {}) {
        this.http = http;
        this.paging = paging;
    }
    get server() {
        return this.http.server;
    }
    async getRegisteredModel(name) {
        const res = await this.http.get('registered-models/get', { name }, schemas/* object */.Ikc({ registered_model: registeredModelSchema }), { action: 'get', object: `registered model '${name}'` });
        this.expect('get', `registered model '${name}'`, 'name', name, res.registered_model.name);
        return res.registered_model;
    }
    /** Throws MISMATCHED_RESPONSE unless the reply's field is what was asked. */
    expect(action, object, field, asked, got) {
        expectReply(this.http.server, { action, object }, field, asked, got);
    }
    /**
     * Listed paths must stay inside the artifact tree: relative, without '..' segments, control
     * characters or backslashes, since callers build download paths from them.
     */
    expectListing(object, folder, files) {
        for (const file of files) {
            const parts = file.path.split('/');
            const inside = file.path !== '' &&
                !file.path.startsWith('/') &&
                !parts.includes('..') &&
                // eslint-disable-next-line no-control-regex
                !/[\u0000-\u001f\\]/.test(file.path);
            if (!inside)
                this.expect('list', object, 'a path under', folder ?? '(root)', file.path);
        }
    }
    /** A model version reply must name the asked model (and version, when one was asked). */
    expectVersion(action, name, version, mv) {
        const object = version === undefined ? `registered model '${name}'` : versionLabel(name, version);
        this.expect(action, object, 'name', name, mv.name);
        if (version !== undefined)
            this.expect(action, object, 'version', version, mv.version);
    }
    async getModelVersion(name, version) {
        const res = await this.http.get('model-versions/get', { name, version }, schemas/* object */.Ikc({ model_version: modelVersionSchema }), { action: 'get', object: versionLabel(name, version) });
        this.expectVersion('get', name, version, res.model_version);
        return res.model_version;
    }
    /** The version an alias points at, or undefined when the alias is not set (MLflow answers 400). */
    async getVersionByAlias(name, alias) {
        try {
            const res = await this.http.get('registered-models/alias', { name, alias }, schemas/* object */.Ikc({ model_version: modelVersionSchema }), { action: 'get', object: `alias '${alias}' of registered model '${name}'` });
            this.expectVersion('get the alias of', name, undefined, res.model_version);
            // The SQL store leaves aliases empty in some replies; a filled list must hold the alias.
            const { aliases } = res.model_version;
            if (aliases.length > 0 && !aliases.includes(alias))
                this.expect('get', `alias '${alias}' of registered model '${name}'`, 'alias', alias, aliases.join(','));
            return res.model_version;
        }
        catch (error) {
            if (error instanceof MlflowApiError &&
                error.errorCode === 'INVALID_PARAMETER_VALUE' &&
                /alias .* not found/i.test(error.serverMessage)) {
                return undefined;
            }
            throw error;
        }
    }
    async getLatestVersions(name, stages = []) {
        const res = await this.http.post('registered-models/get-latest-versions', { name, stages }, schemas/* object */.Ikc({ model_versions: schemas/* array */.YOg(modelVersionSchema).optional().default([]) }), { action: 'get latest versions of', object: `registered model '${name}'` });
        for (const mv of res.model_versions) {
            this.expectVersion('get latest versions of', name, undefined, mv);
            if (stages.length > 0 && !stages.includes(mv.current_stage))
                this.expect('get latest versions of', `registered model '${name}'`, 'stage', stages.join(' or '), mv.current_stage);
        }
        return res.model_versions;
    }
    /**
     * All versions matching a filter, following page tokens to the end, SEARCH_PAGE_SIZE at a time
     * (MLflow's store caps a page at 200,000; a smaller page keeps each reply well under the
     * response cap).
     */
    async searchModelVersions(filter, orderBy = []) {
        const op = { action: 'search', object: `model versions (${filter})` };
        return this.paginate(op, async (pageToken) => {
            const res = await this.http.get('model-versions/search', { filter, max_results: SEARCH_PAGE_SIZE, order_by: orderBy, page_token: pageToken }, schemas/* object */.Ikc({
                model_versions: schemas/* array */.YOg(modelVersionSchema).optional().default([]),
                next_page_token: schemas/* string */.YjP().optional()
            }), op);
            return { items: res.model_versions, next: res.next_page_token };
        });
    }
    /**
     * Follows `next_page_token` until a page has none. A server that hands back a token it already
     * gave (a page that does not advance) or keeps paging past MAX_PAGES is refused rather than
     * followed forever; the same goes for a proxy that replays one page.
     */
    async paginate(op, page) {
        const all = [];
        const seen = new Set();
        const maxPages = this.paging.maxPages ?? MAX_PAGES;
        let token;
        for (let pages = 1;; pages++) {
            const { items, next } = await page(token);
            all.push(...items);
            if (!next)
                return all;
            if (seen.has(next) || pages >= maxPages) {
                throw new MlflowApiError('PAGINATION_LOOP', 200, op, this.http.server, seen.has(next)
                    ? `page ${pages} handed back a next_page_token the server already gave; refusing to loop (check proxies and caches between the runner and the tracking server)`
                    : `still paging after ${maxPages} pages; refusing to read more`);
            }
            seen.add(next);
            token = next;
        }
    }
    async transitionStage(name, version, stage, archiveExistingVersions) {
        const res = await this.http.post('model-versions/transition-stage', { name, version, stage, archive_existing_versions: archiveExistingVersions }, schemas/* object */.Ikc({ model_version: modelVersionSchema }), { action: `transition to ${stage}`, object: versionLabel(name, version) });
        this.expectVersion(`transition to ${stage}`, name, version, res.model_version);
        return res.model_version;
    }
    async setAlias(name, alias, version) {
        await this.http.post('registered-models/alias', { name, alias, version }, empty, {
            action: `set alias '${alias}' on`,
            object: versionLabel(name, version)
        });
    }
    async deleteAlias(name, alias) {
        await this.http.delete('registered-models/alias', { name, alias }, empty, {
            action: `delete alias '${alias}' of`,
            object: `registered model '${name}'`
        });
    }
    async setModelVersionTag(name, version, key, value) {
        await this.http.post('model-versions/set-tag', { name, version, key, value }, empty, {
            action: `set tag '${key}' on`,
            object: versionLabel(name, version)
        });
    }
    async getRun(runId) {
        const res = await this.http.get('runs/get', { run_id: runId }, schemas/* object */.Ikc({ run: runSchema }), {
            action: 'get',
            object: `run '${runId}'`
        });
        this.expect('get', `run '${runId}'`, 'run id', runId, res.run.info.run_id);
        return res.run;
    }
    /** The full history of one metric, following page tokens (METRIC_PAGE_SIZE values a page). */
    async getMetricHistory(runId, key) {
        const op = { action: `get the history of metric '${key}' of`, object: `run '${runId}'` };
        return this.paginate(op, async (pageToken) => {
            const res = await this.http.get('metrics/get-history', { run_id: runId, metric_key: key, max_results: METRIC_PAGE_SIZE, page_token: pageToken }, schemas/* object */.Ikc({
                metrics: schemas/* array */.YOg(metricSchema).optional().default([]),
                next_page_token: schemas/* string */.YjP().optional()
            }), op);
            for (const metric of res.metrics)
                this.expect(op.action, op.object, 'metric', key, metric.key);
            return { items: res.metrics, next: res.next_page_token };
        });
    }
    /**
     * One level of a directory in the server's artifact proxy (`--serve-artifacts`). The proxy's
     * list endpoint has no paging at all (mlflow_artifacts.proto: `path` only): one reply is the level.
     */
    async listProxiedArtifacts(path) {
        const res = await this.http.get('/api/2.0/mlflow-artifacts/artifacts', { path }, artifactListSchema, { action: 'list', object: `artifacts under '${path}'` });
        this.expectListing(`artifacts under '${path}'`, path, res.files);
        return res.files;
    }
    /** Streams one proxied artifact file into `consume` (never buffered whole). */
    downloadProxiedArtifact(path, consume) {
        const encoded = path.split('/').map(encodeURIComponent).join('/');
        return this.http.stream(`/api/2.0/mlflow-artifacts/artifacts/${encoded}`, {}, { action: 'download', object: `artifact '${path}'` }, consume);
    }
    /** Creates an empty registered model; RESOURCE_ALREADY_EXISTS (400) when the name is taken. */
    async createRegisteredModel(name, description) {
        const res = await this.http.post('registered-models/create', { name, ...(description ? { description } : {}) }, schemas/* object */.Ikc({ registered_model: registeredModelSchema }), { action: 'create', object: `registered model '${name}'` });
        this.expect('create', `registered model '${name}'`, 'name', name, res.registered_model.name);
        return res.registered_model;
    }
    /**
     * Registers a new version. MLflow 3 requires `run_id` for `runs:/` and run-artifact sources and
     * `model_id` for `models:/m-…` sources, and checks that they match the source.
     */
    async createModelVersion(request) {
        const body = {
            name: request.name,
            source: request.source,
            ...(request.runId ? { run_id: request.runId } : {}),
            ...(request.modelId ? { model_id: request.modelId } : {}),
            ...(request.description ? { description: request.description } : {}),
            tags: Object.entries(request.tags ?? {}).map(([key, value]) => ({ key, value }))
        };
        const res = await this.http.post('model-versions/create', body, schemas/* object */.Ikc({ model_version: modelVersionSchema }), { action: 'create a version of', object: `registered model '${request.name}'` });
        this.expectVersion('create a version of', request.name, undefined, res.model_version);
        if (request.runId && res.model_version.run_id !== undefined)
            this.expect('create a version of', `registered model '${request.name}'`, 'run id', request.runId, res.model_version.run_id);
        return res.model_version;
    }
    /**
     * One level of a run's artifact tree; a missing path (or a file) lists nothing. MLflow's
     * handler answers the whole level in one reply today, but the API declares `page_token`, so a
     * `next_page_token` (another server, a future MLflow) is followed rather than silently cut.
     */
    async listRunArtifacts(runId, path) {
        const object = `run '${runId}'${path ? ` under '${path}'` : ''}`;
        const files = await this.paginate({ action: 'list the artifacts of', object }, async (pageToken) => {
            const res = await this.http.get('artifacts/list', { run_id: runId, ...(path ? { path } : {}), page_token: pageToken }, artifactListSchema.extend({ next_page_token: schemas/* string */.YjP().optional() }), { action: 'list the artifacts of', object });
            return { items: res.files, next: res.next_page_token };
        });
        this.expectListing(object, path, files);
        return files;
    }
    async getLoggedModel(modelId) {
        const res = await this.http.get(`logged-models/${encodeURIComponent(modelId)}`, {}, schemas/* object */.Ikc({ model: loggedModelSchema }), { action: 'get', object: `logged model '${modelId}'` });
        this.expect('get', `logged model '${modelId}'`, 'model id', modelId, res.model.info.model_id);
        return res.model;
    }
}

;// CONCATENATED MODULE: ./.cache/build/src/mlflow/index.js





/**
 * Builds the client from an action's connection inputs and MLflow's environment variables,
 * registering every secret for masking before any request is made.
 */
function createMlflowClient(inputs, env, logger, setSecret) {
    const connection = resolveConnection(inputs, env);
    for (const secret of connectionSecrets(connection))
        setSecret(secret);
    logger.debug(`MLflow tracking server: ${connection.server} (auth: ${connection.auth.kind})`);
    return new MlflowClient(new MlflowHttp(connection, {
        logger,
        retry: retryPolicyFromEnv(env),
        limits: responseLimitsFromEnv(env)
    }));
}

;// CONCATENATED MODULE: ./.cache/build/actions/common/mlflow.js

/**
 * The MLflow client of an action run: its secrets are masked, and it is closed when main ends
 * (ctx.defer), however main ends, so no action leaves sockets open behind it.
 */
function mlflowClient(ctx) {
    const client = createMlflowClient(ctx.inputs, ctx.env, ctx.logger, value => ctx.setSecret(value));
    ctx.defer(() => client.http.close());
    return client;
}


/***/ })

};
