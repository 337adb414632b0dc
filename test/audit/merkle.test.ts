import fc from 'fast-check';
import t from 'tap';
import { sha256hex } from '../../src/audit/auditRecord.js';
import { EMPTY_ROOT, inclusionProof, merkleRoot, rootFromProof } from '../../src/audit/merkle.js';

const leavesOf = (n: number, salt: string) => Array.from({ length: n }, (_, i) => sha256hex(`${salt}-${i}`));

t.test('every leaf\'s proof leads to the root; a changed leaf, another place or a changed sibling does not', async (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.string(), (n, pick, salt) => {
    const leaves = leavesOf(n, salt);
    const root = merkleRoot(leaves);
    const i = pick % n;
    const proof = inclusionProof(leaves, i);
    if (rootFromProof(leaves[i]!, proof) !== root) return false;
    if (rootFromProof(sha256hex(`changed ${leaves[i]}`), proof) === root) return false;
    if (n > 1 && rootFromProof(leaves[(i + 1) % n]!, proof) === root) return false;
    if (proof.length > 0 && rootFromProof(leaves[i]!, [{ ...proof[0]!, hash: sha256hex('x') }, ...proof.slice(1)]) === root) return false;
    return proof.length <= Math.ceil(Math.log2(n));
  }));
  t.equal(merkleRoot([]), EMPTY_ROOT);
  t.equal(merkleRoot(leavesOf(1, 'a')), leavesOf(1, 'a')[0], 'one leaf is its own root');
  t.throws(() => inclusionProof(leavesOf(3, 'a'), 3), RangeError);
});
