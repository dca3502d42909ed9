// A code stays off the screen once sent, like a password field.

// The server's rule for what a code is (src/understanding/codes.ts, CODE_RUN): 6 to 8 decimal digits of
// any script, alone or with a space, dot, dash or en dash between them, not part of a longer run;
// an IPv4 address is not a code.
const CODE_RUN = /(?<!\p{Nd}(?:\s?[.\-\u2013]\s?|\s)?)\p{Nd}(?:(?:\s?[.\-\u2013]\s?|\s)?\p{Nd}){5,7}(?!(?:\s?[.\-\u2013]\s?|\s)?\p{Nd})/gu;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export const hideCodes = (text: string): string => text.replace(CODE_RUN, (m) => (IPV4.test(m) ? m : '••••••'));
