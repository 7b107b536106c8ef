import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);
var r=["promote","rollback","gate-failed","lineage-failed","approval-rejected","error","drift-detected"];export{r as a};
