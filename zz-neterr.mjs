import { S3Client, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
const mk = (endpoint, extra={}) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, ...extra });
for (const ep of ['http://127.0.0.1:1', 'http://no-such-host.invalid:9000']) {
  const e = await mk(ep).send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).catch(e => e);
  console.log(ep, e.name, e.code, e.errno, e.message, Object.keys(e), e.$metadata);
}
import net from 'node:net';
const srv = net.createServer(() => {}).listen(0);
await new Promise(r => srv.once('listening', r));
const e = await mk(`http://127.0.0.1:${srv.address().port}`, { requestHandler: { requestTimeout: 300, connectionTimeout: 300 } }).send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' })).catch(e => e);
console.log('timeout', e.name, e.code, e.message, Object.keys(e));
srv.close(); process.exit(0);
