/** The renderer is served from this custom protocol, never from file://. */
export const APP_SCHEME = 'workbench';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
