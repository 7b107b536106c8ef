import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{__name}from"./chunk-7ODJWIRU.js";function defineOutputs(names){return{names}}__name(defineOutputs,"defineOutputs");export{defineOutputs};
