// How a back-end tells its cached answers about one person from others': an account or address
// compared whatever its case (a cache key keeps the spelling that was asked for).

/** Is `x` one of `xs`, whatever the case? */
export const oneOf = (x: string, xs: string[]): boolean => xs.some((y) => y.toLowerCase() === x.toLowerCase());
