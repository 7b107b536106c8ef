import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{mlflowClient}from"./chunk-OMHFG4NO.js";import"./chunk-SRILWIYB.js";import"./chunk-ZM2MO7K5.js";import"./chunk-QJECDFYH.js";import"./chunk-TJFK74QJ.js";import"./chunk-ZUD2B3SO.js";import"./chunk-7ODJWIRU.js";export{mlflowClient};
