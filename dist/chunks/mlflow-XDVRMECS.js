import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{a}from"./chunk-WMB27FP6.js";import"./chunk-KRXACNXC.js";import"./chunk-EXXBRA35.js";import"./chunk-UAQZRACW.js";import"./chunk-JCA3HLHZ.js";import"./chunk-625YWP7J.js";import"./chunk-UWBAXXBV.js";import"./chunk-7FD4ODKQ.js";export{a as mlflowClient};
