/** CSV and NDJSON framing and parsing into records, with limits. */
module dev.sluice.records {
  requires transitive dev.sluice.core;
  requires de.siegmar.fastcsv;
  requires com.fasterxml.jackson.core;

  exports dev.sluice.records;
}
