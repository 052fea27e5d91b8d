import { SOFTWARE_VERSION } from '../core/softwareVersion.js';

/** The host's software version (`GET /v1/health`): the package's. */
export const HOST_VERSION: string = SOFTWARE_VERSION;
