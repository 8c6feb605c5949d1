import { relations } from 'drizzle-orm';
import { conferences } from './conferences.js';
import { rooms } from './rooms.js';
import { talks } from './talks.js';
import { jobRecords } from './job-records.js';

export const conferencesRelations = relations(conferences, ({ many }) => ({ rooms: many(rooms), talks: many(talks) }));
export const roomsRelations = relations(rooms, ({ one, many }) => ({
  conference: one(conferences, { fields: [rooms.conferenceId], references: [conferences.id] }),
  talks: many(talks),
  jobRecords: many(jobRecords),
}));
export const talksRelations = relations(talks, ({ one }) => ({
  conference: one(conferences, { fields: [talks.conferenceId], references: [conferences.id] }),
  room: one(rooms, { fields: [talks.roomId], references: [rooms.id] }),
}));
export const jobRecordsRelations = relations(jobRecords, ({ one }) => ({
  room: one(rooms, { fields: [jobRecords.roomId], references: [rooms.id] }),
  talk: one(talks, { fields: [jobRecords.talkId], references: [talks.id] }),
}));
