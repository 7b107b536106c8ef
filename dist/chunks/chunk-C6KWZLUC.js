import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{a as r}from"./chunk-7FD4ODKQ.js";function o(e){return e.GITHUB_WORKSPACE?.trim()||process.cwd()}r(o,"workspaceDir");export{o as a};
