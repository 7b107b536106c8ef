import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{__name}from"./chunk-7ODJWIRU.js";function workspaceDir(env){return env.GITHUB_WORKSPACE?.trim()||process.cwd()}__name(workspaceDir,"workspaceDir");export{workspaceDir};
