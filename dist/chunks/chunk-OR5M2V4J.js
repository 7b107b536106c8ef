import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{a as e}from"./chunk-7FD4ODKQ.js";function n(t){return{names:t}}e(n,"defineOutputs");export{n as a};
