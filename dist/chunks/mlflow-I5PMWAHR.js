import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
import{mlflowClient}from"./chunk-RJYV63MH.js";import"./chunk-VLN3C5F7.js";import"./chunk-XFU6XFTP.js";import"./chunk-BVZVFJ2V.js";import"./chunk-4QJIKZNF.js";import"./chunk-4FRYLTJI.js";export{mlflowClient};
