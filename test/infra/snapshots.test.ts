/**
 * One snapshot per stack of each variant, with asset hashes neutralised: a snapshot changes when
 * the infrastructure changes, and only then (a handler's new code changes only its asset hash).
 */
import { VARIANTS, synthesizeBeforeAll, synthesizePulse, withoutAssetHashes, type VariantName } from './helpers/pulseApp';

const variant = synthesizeBeforeAll(VARIANTS);

describe.each(Object.keys(VARIANTS) as VariantName[])('the %s deployment', (name) => {
  it('matches the snapshot of its data stack', () => {
    expect(withoutAssetHashes(variant(name).data.toJSON())).toMatchSnapshot();
  });

  it('matches the snapshot of its pipeline stack', () => {
    expect(withoutAssetHashes(variant(name).pipeline.toJSON())).toMatchSnapshot();
  });
});

describe('withoutAssetHashes', () => {
  it('leaves no asset hash in a synthesized template', () => {
    // Act
    const text = JSON.stringify(withoutAssetHashes(variant('serverless').pipeline.toJSON()));

    // Assess
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).toContain('<asset-hash>.zip');
  });

  it('gives the same template for other handler code (other asset hashes)', () => {
    // Prepare
    const template = variant('serverless').pipeline.toJSON();
    const otherCode = JSON.parse(JSON.stringify(template).replace(/\b[0-9a-f]{64}\b/g, (hash) => [...hash].reverse().join('')));

    // Act
    const [before, after] = [withoutAssetHashes(template), withoutAssetHashes(otherCode)];

    // Assess
    expect(JSON.stringify(otherCode)).not.toEqual(JSON.stringify(template));
    expect(after).toEqual(before);
  });

  it('gives another template for another infrastructure (a batch size changed)', () => {
    // Prepare
    const template = variant('serverless').pipeline.toJSON();
    const changed = JSON.parse(JSON.stringify(template).replace('"BatchSize":100', '"BatchSize":50'));

    // Act
    const [before, after] = [withoutAssetHashes(template), withoutAssetHashes(changed)];

    // Assess
    expect(after).not.toEqual(before);
  });

  it('gives the same template when the app is synthesized again', () => {
    // Act
    const again = synthesizePulse(VARIANTS.serverless);

    // Assess
    expect(withoutAssetHashes(again.pipeline.toJSON())).toEqual(withoutAssetHashes(variant('serverless').pipeline.toJSON()));
    expect(withoutAssetHashes(again.data.toJSON())).toEqual(withoutAssetHashes(variant('serverless').data.toJSON()));
  });
});
