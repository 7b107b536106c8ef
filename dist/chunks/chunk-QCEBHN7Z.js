import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{d as e}from"./chunk-3XNCRIEI.js";import{a as o}from"./chunk-7FD4ODKQ.js";function i(t){let n=e(t.inputs,t.env,t.logger,l=>t.setSecret(l));return t.defer(()=>n.http.close()),n}o(i,"mlflowClient");export{i as a};
