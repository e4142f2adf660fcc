// Drives the gse serve web page in headless Chromium: searches with one sticker, compares two, and prints what
// the page showed as one JSON line. ServePageTest starts the server, runs this script and checks the output.
//
// Usage: node page-test.mjs BASE_URL SEARCH_FILE FILE_A FILE_B USER_DATA_DIR
import { chromium } from 'playwright-core';

const [baseUrl, searchFile, fileA, fileB, userDataDir] = process.argv.slice(2);
if (!userDataDir) {
  console.error('usage: node page-test.mjs BASE_URL SEARCH_FILE FILE_A FILE_B USER_DATA_DIR');
  process.exit(2);
}

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const result = { foreignRequests: [], consoleErrors: [] };
try {
  const page = await context.newPage();
  const origin = new URL(baseUrl).origin;
  // The page must work offline: any request to another origin is recorded and blocked.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('blob:') || url.startsWith('data:')) {
      return route.continue();
    }
    result.foreignRequests.push(url);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      result.consoleErrors.push(message.text());
    }
  });
  page.setDefaultTimeout(20000);

  // 1. Load the page and wait for /healthz
  await page.goto(baseUrl + '/');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Model'));
  result.status = await page.textContent('#status');

  // 2. Search with a sticker and wait for the neighbours and their images
  await page.setInputFiles('#search-file', searchFile);
  await page.waitForSelector('#neighbours li.hit');
  await page.waitForFunction(() => [...document.querySelectorAll('#neighbours img')]
    .every((image) => image.complete && image.naturalWidth > 0));
  result.previewSrc = await page.getAttribute('#search-preview', 'src');
  result.hits = await page.$$eval('#neighbours li.hit', (items) => items.map((item) => ({
    score: Number(item.querySelector('.score').textContent),
    src: item.querySelector('img').getAttribute('src'),
    width: item.querySelector('img').naturalWidth,
  })));

  // 3. Compare two stickers
  await page.setInputFiles('#file-a', fileA);
  await page.setInputFiles('#file-b', fileB);
  await page.click('#compare');
  await page.waitForSelector('#verdict', { state: 'visible' });
  result.score = Number(await page.textContent('#score'));
  result.threshold = await page.textContent('#threshold');
  result.decision = await page.textContent('#decision');
  result.compareError = await page.textContent('#compare-error');
} catch (error) {
  result.failure = String(error && error.stack || error);
} finally {
  await context.close();
}
console.log(JSON.stringify(result));
process.exit(result.failure ? 1 : 0);
