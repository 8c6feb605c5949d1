CREATE TYPE "job_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "conferences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conferences_slug_unique" UNIQUE("slug"),
	CONSTRAINT "conferences_dates_ordered" CHECK ("conferences"."ends_on" >= "conferences"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "rooms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conference_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"meeting_url" text,
	"jitsi_credentials" jsonb,
	"broadcast_outputs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rooms_conference_id_slug_unique" UNIQUE("conference_id","slug")
);
--> statement-breakpoint
CREATE TABLE "talks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conference_id" uuid NOT NULL,
	"room_id" uuid,
	"guid" text NOT NULL,
	"external_id" text,
	"title" text NOT NULL,
	"subtitle" text,
	"speakers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_seconds" integer NOT NULL,
	"language" text,
	"recording_opt_out" boolean DEFAULT false NOT NULL,
	"video_file" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "talks_conference_id_guid_unique" UNIQUE("conference_id","guid"),
	CONSTRAINT "talks_duration_positive" CHECK ("talks"."duration_seconds" > 0)
);
--> statement-breakpoint
CREATE TABLE "job_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"room_id" uuid,
	"talk_id" uuid,
	"status" "job_status" DEFAULT 'queued' NOT NULL,
	"boss_job_id" text,
	"worker_id" text,
	"scheduled_for" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"last_error" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_conference_id_conferences_id_fk" FOREIGN KEY ("conference_id") REFERENCES "conferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "talks" ADD CONSTRAINT "talks_conference_id_conferences_id_fk" FOREIGN KEY ("conference_id") REFERENCES "conferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "talks" ADD CONSTRAINT "talks_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_records" ADD CONSTRAINT "job_records_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_records" ADD CONSTRAINT "job_records_talk_id_talks_id_fk" FOREIGN KEY ("talk_id") REFERENCES "talks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "talks_room_id_starts_at_idx" ON "talks" USING btree ("room_id","starts_at");--> statement-breakpoint
CREATE INDEX "job_records_room_id_status_idx" ON "job_records" USING btree ("room_id","status");--> statement-breakpoint
CREATE INDEX "job_records_boss_job_id_idx" ON "job_records" USING btree ("boss_job_id");