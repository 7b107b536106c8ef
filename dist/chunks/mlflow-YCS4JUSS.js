import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{a}from"./chunk-56J6KUAY.js";import"./chunk-JR2SX2YH.js";import"./chunk-CHKTQ7WJ.js";import"./chunk-J3KNYZHN.js";import"./chunk-JCA3HLHZ.js";import"./chunk-625YWP7J.js";import"./chunk-UYIYOPW3.js";import"./chunk-7FD4ODKQ.js";export{a as mlflowClient};
