/** Asset ids are `<space>/<technicalName>`; technical names may themselves contain `/`, spaces may not. */
export function spaceOf(assetId: string): string {
  const slash = assetId.indexOf('/');
  return slash < 0 ? assetId : assetId.slice(0, slash);
}
