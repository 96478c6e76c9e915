// SPDX-License-Identifier: Apache-2.0
// Copyright 2025 The clearance authors

'use strict';

/**
 * Turn a title into a URL slug: "Hello, World!" -> "hello-world".
 * @param {string} title
 * @returns {string}
 */
function slugify(title) {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

module.exports = { slugify };

if (require.main === module) {
  for (const arg of process.argv.slice(2)) {
    console.log(slugify(arg));
  }
}
