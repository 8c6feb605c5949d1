CREATE TABLE "schedule_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conference_id" uuid NOT NULL,
	"source_version" text,
	"created_count" integer NOT NULL,
	"updated_count" integer NOT NULL,
	"unchanged_count" integer NOT NULL,
	"removed_upstream" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_sources" (
	"conference_id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"room_mapping" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ignore_rooms" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"etag" text,
	"last_modified" text,
	"last_checked_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_good_version" text,
	"last_good_sha256" text,
	"last_error" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_status" (
	"room_id" uuid NOT NULL,
	"role" text NOT NULL,
	"state" text NOT NULL,
	"job_record_id" uuid,
	"worker_id" text,
	"started_at" timestamp with time zone,
	"last_error" text,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stage_status_room_id_role_pk" PRIMARY KEY("room_id","role")
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"capacity_millicores" integer NOT NULL,
	"used_millicores" integer DEFAULT 0 NOT NULL,
	"running_jobs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"clock_sync" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_records" ADD COLUMN "job_key" text;--> statement-breakpoint
ALTER TABLE "job_records" ADD COLUMN "role" text;--> statement-breakpoint
ALTER TABLE "job_records" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "schedule_imports" ADD CONSTRAINT "schedule_imports_conference_id_conferences_id_fk" FOREIGN KEY ("conference_id") REFERENCES "conferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_sources" ADD CONSTRAINT "schedule_sources_conference_id_conferences_id_fk" FOREIGN KEY ("conference_id") REFERENCES "conferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_status" ADD CONSTRAINT "stage_status_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_status" ADD CONSTRAINT "stage_status_job_record_id_job_records_id_fk" FOREIGN KEY ("job_record_id") REFERENCES "job_records"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedule_imports_conference_id_imported_at_idx" ON "schedule_imports" USING btree ("conference_id","imported_at");--> statement-breakpoint
CREATE INDEX "workers_state_last_seen_at_idx" ON "workers" USING btree ("state","last_seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "job_records_active_job_key_unique" ON "job_records" USING btree ("job_key") WHERE "job_records"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "job_records_worker_id_status_idx" ON "job_records" USING btree ("worker_id","status");