'use strict';
// Benchmark baseline only, never shipped: a HubSpot webhook -> SQS receiver written the way
// most teams would write it in Node.js (plain node:http, the official HubSpot client for the
// v3 signature check, AWS SDK v3 for SQS). See README.md.

const http = require('node:http');
const { Signature } = require('@hubspot/api-client');
const { SQSClient, SendMessageBatchCommand } = require('@aws-sdk/client-sqs');

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing required environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

const PORT = Number(requiredEnv('PORT'));
const CLIENT_SECRET = requiredEnv('CLIENT_SECRET');
const SYNC_QUEUE_URL = requiredEnv('SYNC_QUEUE_URL');
// The URL prefix HubSpot called; the signed URL is this + the request's path and query.
const PUBLIC_BASE_URL = (process.env.PUBLIC_BASE_URL || `http://127.0.0.1:${PORT}`).replace(/\/+$/, '');

const WEBHOOK_PATH = '/webhooks/hubspot';
const MAX_TIMESTAMP_AGE_MS = 5 * 60 * 1000;
const SQS_BATCH_SIZE = 10;

// Region, credentials and AWS_ENDPOINT_URL all come from the SDK's own environment lookup.
const sqs = new SQSClient({});

function sendJson(res, status, payload) {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function signatureIsValid(req, rawBody) {
  const signature = req.headers['x-hubspot-signature-v3'];
  const timestampHeader = req.headers['x-hubspot-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestampHeader !== 'string') return false;

  const timestamp = Number(timestampHeader);
  if (!Number.isFinite(timestamp)) return false;
  if (Date.now() - timestamp > MAX_TIMESTAMP_AGE_MS) return false;

  try {
    // Throws (rather than returning false) when the v3 timestamp is missing or too old.
    return Signature.isValid({
      signatureVersion: 'v3',
      signature,
      clientSecret: CLIENT_SECRET,
      requestBody: rawBody,
      method: req.method,
      url: PUBLIC_BASE_URL + req.url,
      timestamp,
    });
  } catch {
    return false;
  }
}

async function queueEvents(events) {
  const receivedAt = Date.now();
  const batches = [];
  for (let start = 0; start < events.length; start += SQS_BATCH_SIZE) {
    const entries = events.slice(start, start + SQS_BATCH_SIZE).map((event, i) => ({
      Id: String(start + i),
      MessageBody: JSON.stringify({ type: 'hubspot.webhook.v1', receivedAt, event }),
    }));
    batches.push(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: SYNC_QUEUE_URL, Entries: entries })),
    );
  }
  const results = await Promise.all(batches);
  const failed = results.flatMap((r) => r.Failed || []);
  if (failed.length > 0) {
    throw new Error(`SQS rejected ${failed.length} message(s): ${JSON.stringify(failed)}`);
  }
}

async function handleWebhook(req, res) {
  const rawBody = await readBody(req);

  if (!signatureIsValid(req, rawBody)) {
    sendJson(res, 401, { error: 'invalid signature' });
    return;
  }

  let events;
  try {
    events = JSON.parse(rawBody);
  } catch {
    events = undefined;
  }
  if (!Array.isArray(events)) {
    sendJson(res, 400, { error: 'body must be a JSON array of events' });
    return;
  }

  try {
    await queueEvents(events);
  } catch (err) {
    console.error('failed to queue events:', err && err.message ? err.message : err);
    sendJson(res, 500, { error: 'failed to queue events' });
    return;
  }
  sendJson(res, 200, { status: 'queued', events: events.length });
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?', 1)[0];
  if (req.method === 'POST' && path === WEBHOOK_PATH) {
    handleWebhook(req, res).catch((err) => {
      console.error('unhandled error:', err);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
    return;
  }
  sendJson(res, 404, { error: 'not found' });
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive sockets may hold close() open; do not linger past a second.
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
