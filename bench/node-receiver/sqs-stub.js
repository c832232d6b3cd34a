// A stand-in SQS for the load benchmark: answers SendMessageBatch and SendMessage (the JSON
// protocol both SDKs speak) at once, with real MD5s of the bodies (the JS SDK checks them), so
// the benchmark measures the receivers, not a slow local SQS. It keeps no messages. Bench only.
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const port = Number(process.env.PORT || 0);
let sent = 0;

const md5 = (text) => crypto.createHash('md5').update(text, 'utf8').digest('hex');

const server = http.createServer((req, res) => {
  // The bench asks how many messages arrived, to check that nothing was lost.
  if (req.method === 'GET' && req.url === '/_stub/sent') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sent }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] || '');
    let input;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      input = null;
    }
    let output;
    if (input && target === 'AmazonSQS.SendMessageBatch') {
      const entries = Array.isArray(input.Entries) ? input.Entries : [];
      sent += entries.length;
      output = {
        Successful: entries.map((e) => ({
          Id: e.Id,
          MessageId: crypto.randomUUID(),
          MD5OfMessageBody: md5(String(e.MessageBody)),
        })),
        Failed: [],
      };
    } else if (input && target === 'AmazonSQS.SendMessage') {
      sent += 1;
      output = { MessageId: crypto.randomUUID(), MD5OfMessageBody: md5(String(input.MessageBody)) };
    } else {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#UnsupportedOperation', message: target }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(output));
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});

process.on('SIGTERM', () => {
  console.error(`sqs stub: ${sent} messages`);
  process.exit(0);
});
