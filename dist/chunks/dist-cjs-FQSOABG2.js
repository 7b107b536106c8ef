import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{q as a}from"./chunk-NCV3SZJK.js";import"./chunk-APG6PUYA.js";import"./chunk-7FD4ODKQ.js";export default a();
