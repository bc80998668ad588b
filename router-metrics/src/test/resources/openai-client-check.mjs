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

const model1 = await client.models.retrieve(model);
out.retrieved = { id: model1.id, object: model1.object };
try {
  await client.models.retrieve('no-such-model');
  out.unknownModel = 'no error';
} catch (e) {
  out.unknownModel = { status: e.status, code: e.code ?? e.error?.code };
}

// the mocker's words differ per request; most hold an 'e', so 40 tokens all but surely reach one
const stopped = await client.completions.create({ model, prompt: 'stop test', max_tokens: 40, stop: ['e'] });
out.stopCase = { text: stopped.choices[0].text, finish: stopped.choices[0].finish_reason,
  tokens: stopped.usage.completion_tokens };
const sstream = await client.chat.completions.create({
  model, messages: [{ role: 'user', content: 'stop test' }], max_tokens: 40, stream: true, stop: 'e',
});
let stext = '';
let sfinish = null;
for await (const chunk of sstream) {
  if (chunk.choices.length > 0 && chunk.choices[0].delta.content) stext += chunk.choices[0].delta.content;
  if (chunk.choices.length > 0 && chunk.choices[0].finish_reason) sfinish = chunk.choices[0].finish_reason;
}
out.stopCase.streamText = stext;
out.stopCase.streamFinish = sfinish;

const completion = await client.completions.create({ model, prompt: [1, 2, 3, 4, 5, 6, 7, 8], max_tokens: 3 });
out.completion = { text: completion.choices[0].text, usage: completion.usage };

try {
  await client.chat.completions.create({ model, messages: [], max_tokens: 2 });
  out.badRequest = 'no error';
} catch (e) {
  out.badRequest = { status: e.status, type: e.type ?? e.error?.type, message: e.message };
}
console.log(JSON.stringify(out));
