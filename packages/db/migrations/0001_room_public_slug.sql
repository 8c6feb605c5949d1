-- Public player pages address a room by one globally unique slug (/watch/<public_slug>). Existing rooms are
-- backfilled with <conference-slug>-<room-slug>, which is unique because (conference slug, room slug) is.
ALTER TABLE "rooms" ADD COLUMN "public_slug" text;--> statement-breakpoint
UPDATE "rooms" SET "public_slug" = "conferences"."slug" || '-' || "rooms"."slug" FROM "conferences" WHERE "conferences"."id" = "rooms"."conference_id";--> statement-breakpoint
ALTER TABLE "rooms" ALTER COLUMN "public_slug" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_public_slug_unique" UNIQUE("public_slug");
