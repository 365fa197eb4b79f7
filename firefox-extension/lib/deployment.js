// The dialer this copy of the extension was built for (`extension/build.py --origin URL`);
// empty in the checked-in development build, where the agent sets it in the options.

export const DEPLOYMENT_ORIGIN = "";
