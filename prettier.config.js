// The style the code was written in: single quotes, semicolons, trailing commas, lines up to 160.
// Templates stay as written: html`` ones are the pages' markup, which formatting would change.
// Not yet in npm test: the code is formatted once, after the open branches are merged.
export default {
  singleQuote: true,
  printWidth: 160,
  trailingComma: 'all',
  embeddedLanguageFormatting: 'off',
};
