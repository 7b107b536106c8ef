import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{a}from"./chunk-GGSU7HMT.js";import"./chunk-PWXISWLB.js";import"./chunk-46UQB4PM.js";import"./chunk-UAQZRACW.js";import"./chunk-JCA3HLHZ.js";import"./chunk-IGKQSYIH.js";import"./chunk-UWBAXXBV.js";import"./chunk-7FD4ODKQ.js";export{a as mlflowClient};
