// Drives the Frontend with the official `openai` npm client; prints one JSON line of what it saw.
// usage: node openai-client-check.mjs <baseURL> <model>
import OpenAI from 'openai';

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0 });
const out = {};

const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const chat = await client.chat.completions.create({
  model, messages: [{ role: 'user', content: 'Hello from the openai npm client' }], max_tokens: 5,
});
out.chat = { content: chat.choices[0].message.content, finish: chat.choices[0].finish_reason, usage: chat.usage };

const stream = await client.chat.completions.create({
  model, messages: [{ role: 'user', content: 'Stream please' }], max_tokens: 6, stream: true,
  stream_options: { include_usage: true },
});
let text = '';
let chunks = 0;
let usage = null;
for await (const chunk of stream) {
  chunks++;
  if (chunk.choices.length > 0 && chunk.choices[0].delta.content) text += chunk.choices[0].delta.content;
  if (chunk.usage) usage = chunk.usage;
}
out.stream = { text, chunks, usage };

const completion = await client.completions.create({ model, prompt: [1, 2, 3, 4, 5, 6, 7, 8], max_tokens: 3 });
out.completion = { text: completion.choices[0].text, usage: completion.usage };

try {
  await client.chat.completions.create({ model, messages: [], max_tokens: 2 });
  out.badRequest = 'no error';
} catch (e) {
  out.badRequest = { status: e.status, type: e.type ?? e.error?.type, message: e.message };
}
console.log(JSON.stringify(out));
