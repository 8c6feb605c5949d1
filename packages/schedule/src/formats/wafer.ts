/**
 * wafer (DebConf) `pentabarf.xml`: frab-compatible XML (template wafer/schedule/templates/wafer.schedule/
 * penta_schedule.xml) with these differences, handled here or by the shared rules:
 * - `<generator name="wafer">`, an empty `<version>`, rooms without guids, no `<language>`;
 * - `<abstract/>` is always empty and the talk abstract is in `<description>` → used as the abstract;
 * - non-talk items (breaks) have an empty `<type/>` and no `<persons>`;
 * - staff exports add `contact` (e-mail) attributes to persons, which are never read;
 * - older releases have no `<time_zone_name>` (pass `defaultTimeZone`) and may emit dates without offsets
 *   (read in the conference zone, with a warning).
 */
import type { RawSchedule } from './build.js';
import { readScheduleXml } from './frab-xml.js';
import type { XmlElement } from './xml-tree.js';

export function readWaferXml(root: XmlElement): RawSchedule {
  const raw = readScheduleXml(root);
  for (const event of raw.events) {
    const { abstract, description } = event.fields;
    if ((abstract.value ?? '').trim() === '' && (description.value ?? '').trim() !== '') {
      event.fields.abstract = description;
    }
  }
  return raw;
}
