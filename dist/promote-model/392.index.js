export const id = 392;
export const ids = [392];
export const modules = {

/***/ 4392:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createApprovalsClient: () => (/* binding */ createApprovalsClient)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8816);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3885);



const approvalsSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    state: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    comment: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().nullable().optional(),
    user: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ login: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP() }).nullable().optional(),
    environments: zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ name: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().optional() }).passthrough())
        .optional()
        .default([])
}));
/**
 * The approvals client on @actions/github's Octokit. `apiUrl` defaults to GITHUB_API_URL (what
 * getOctokit reads), which is also how tests point it at a local fake.
 */
function createApprovalsClient(token, apiUrl) {
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, apiUrl ? { baseUrl: apiUrl } : {});
    return {
        async listApprovals(owner, repo, runId) {
            let data;
            try {
                const response = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', {
                    owner,
                    repo,
                    run_id: Number(runId)
                });
                data = response.data;
            }
            catch (error) {
                const status = error.status;
                const hint = status === 403 || status === 404
                    ? "; the token needs 'actions: read' on this repository (add it to the job's permissions)"
                    : '';
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`Could not read the deployment approvals of run ${runId} in ${owner}/${repo}` +
                    `${status ? ` (HTTP ${status})` : ''}${hint}`, { cause: error });
            }
            const parsed = approvalsSchema.safeParse(data);
            if (!parsed.success) {
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`GitHub answered the approvals request of run ${runId} with an unexpected shape`);
            }
            return parsed.data.map(a => ({
                login: a.user?.login ?? '(unknown)',
                state: a.state,
                comment: a.comment ?? '',
                environments: a.environments.map(e => e.name ?? '').filter(n => n !== '')
            }));
        }
    };
}


/***/ })

};
