// The engine labels that tie containers and volumes to one dockube server, re-exported from the Docker runtime that
// sets them (the sweep of what servers whose data dir is gone left behind is the runtime's removeAbandoned).
export { LABEL_DATA_DIR, LABEL_INSTANCE, instanceFilter } from '../../runtime/docker-runtime.js';
