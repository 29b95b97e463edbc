/**
 * The SAP Common vocabulary's calendar and fiscal tag terms, and the CSN annotation the same column carries in
 * Datasphere's design-time definition. Datasphere writes `@Semantics.calendar.yearMonth: true` in CSN and
 * `Common.IsCalendarYearMonth` in the consumption EDMX (test/fixtures/corpus/datasphere-api holds one view in
 * both); reading the EDMX term under its CSN name keeps a column's semantics — and the asset's metadata hash —
 * the same whichever format the asset was read from. Keys are without the leading `@`, as Column.semantics
 * stores them.
 */
const CSN_NAME_BY_TERM: Readonly<Record<string, string>> = {
  'Common.IsCalendarDate': 'Semantics.date',
  'Common.IsCalendarYear': 'Semantics.calendar.year',
  'Common.IsCalendarHalfyear': 'Semantics.calendar.halfyear',
  'Common.IsCalendarQuarter': 'Semantics.calendar.quarter',
  'Common.IsCalendarMonth': 'Semantics.calendar.month',
  'Common.IsCalendarWeek': 'Semantics.calendar.week',
  'Common.IsDayOfCalendarMonth': 'Semantics.calendar.dayOfMonth',
  'Common.IsDayOfCalendarYear': 'Semantics.calendar.dayOfYear',
  'Common.IsCalendarYearHalfyear': 'Semantics.calendar.yearHalfyear',
  'Common.IsCalendarYearQuarter': 'Semantics.calendar.yearQuarter',
  'Common.IsCalendarYearMonth': 'Semantics.calendar.yearMonth',
  'Common.IsCalendarYearWeek': 'Semantics.calendar.yearWeek',
  'Common.IsFiscalYear': 'Semantics.fiscal.year',
  'Common.IsFiscalPeriod': 'Semantics.fiscal.period',
  'Common.IsFiscalYearPeriod': 'Semantics.fiscal.yearPeriod',
  'Common.IsFiscalQuarter': 'Semantics.fiscal.quarter',
  'Common.IsFiscalYearQuarter': 'Semantics.fiscal.yearQuarter',
  'Common.IsFiscalWeek': 'Semantics.fiscal.week',
  'Common.IsFiscalYearWeek': 'Semantics.fiscal.yearWeek',
  'Common.IsDayOfFiscalYear': 'Semantics.fiscal.dayOfYear',
  'Common.IsFiscalYearVariant': 'Semantics.fiscal.yearVariant',
};

/** Matched ignoring case, as every term is (Datasphere writes `Analytics.dimension` for `Analytics.Dimension`). */
const BY_LOWER_TERM = new Map(Object.entries(CSN_NAME_BY_TERM).map(([term, name]) => [term.toLowerCase(), name]));

/** The CSN name of an EDMX column term, or the term itself when CSN has no counterpart for it. */
export function csnSemanticName(term: string): string {
  return BY_LOWER_TERM.get(term.toLowerCase()) ?? term;
}
