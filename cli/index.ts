// Bundle entry of the model-governance command (dist/cli/index.js); the code is in src/cli/.
import '../src/cli/index.js'
