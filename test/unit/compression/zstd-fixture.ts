// Frames written by the real zstd encoder (zstd CLI v1.5.4, Debian), to prove our decoders read
// what other zstd implementations write. Regenerate with:
//   node -e 'let s="";for(let i=0;i<200;i++)s+=`line ${i}: cairn keeps every version of every file\n`;process.stdout.write(s)' > fixture.txt
//   zstd -19 fixture.txt -o fixture.zst            # header declares the content size
//   zstd -3 -c < fixture.txt > fixture-stream.zst  # streamed: no content size, with checksum
//   xxd -p fixture.zst | tr -d '\n'

/** The plain text both frames decode to (9,890 bytes). */
export function fixturePlainText(): Buffer {
  let text = '';
  for (let i = 0; i < 200; i++) text += `line ${i}: cairn keeps every version of every file\n`;
  return Buffer.from(text);
}

export const fixturePlainSha256 = 'c80bdef53f9f5ec02e6364ea8c5de600e9728fbdf099e86728116ad4212660a0';

/** `zstd -19 fixture.txt`: single frame with Frame_Content_Size. */
export const fixtureFrameWithSize = '28b52ffd64a225950a00c6153317a0291d00b5d7cb9e43bbaac34d4a29654a2937359c1a01350028002900b556a9d3d76dd9d2a3b1481c9e66499e15cd5d0210434220208e0322592810c6d150200ce4582410a4701c1489607004ca811c12432d56a923a322a2a193a9442a7463534333f3f1743865eef63a7dfefb3d5f7e3697c9e3dbaee9e20b347759cab3a2b9cb429e15cd5d96c23bbb3abab99fafc72b776656463676b3d568c5aeacaaa8a65eae67457397479e15cd5d16e359d1dc65299e15cd5d16e259d1dc65199e15cd5d96f3ac68eeb298671580c9a81100760dfb9f01c055b2cc011248104010f8ff5f41803fd96edb1b6a159c50dbaeb6096cb5ad9e436dab6d28c56a5b6d82da56dbd3b0d5b6344cb1adb64d60ab6df51c6ab7dabeb0ce240719c840063188810c6410830c64208318644006328841063290410c32900919c4200319c8203874931c022000e809776e804a9a922afc727976';

/** `zstd -3 -c < fixture.txt`: single frame without Frame_Content_Size, with a checksum. */
export const fixtureFrameStreamed = '28b52ffd0458fd0800424f2619a025690300129af89af84746feaabaf7b2bb77cae4411d7aae99999999998888888888777777777766666666665555555555ffffffbf6ddbb6ddb66ddb12111111d1cccccccc0c65666666662222222222dedddddddd99999999995555555555fdffffffb66ddb76dbb66d4b444444448967759748318862500a82402810a340188e7220054739146220286580180711204000861483280280c8a821f4f6d9cfb0a354cb01121841e0ffff11f807a8d45656a95556a9555a51abb452abd452aba8a556a9aa56a9aaac40de930232931d456a146951a444910e452a146950a44091fe44eefac45a522da55aa9a45aa949b55245b55245b5a54a6aa54a6aa5ae768a9db64ea993d22974ea9c32a7a972921c02044733db5125016c15fc727976';
