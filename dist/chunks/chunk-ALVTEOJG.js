import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
var o=".github/model-governance.yml",e=".mlflow/config.yaml";export{o as a,e as b};
