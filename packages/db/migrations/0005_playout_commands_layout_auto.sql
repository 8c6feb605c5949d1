CREATE TABLE "playout_commands" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"room_id" uuid NOT NULL,
	"action" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"issued_by" uuid,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"job_record_id" uuid,
	"worker_id" text,
	"claimed_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"result" text,
	"playout_state" text,
	"position_ms" integer,
	CONSTRAINT "playout_commands_action_known" CHECK ("playout_commands"."action" in ('startNow', 'pause', 'resume', 'skip', 'stop', 'restart')),
	CONSTRAINT "playout_commands_status_known" CHECK ("playout_commands"."status" in ('pending', 'applying', 'applied', 'refused', 'expired'))
);
--> statement-breakpoint
ALTER TABLE "room_controls" DROP CONSTRAINT "room_controls_layout_known";--> statement-breakpoint
ALTER TABLE "room_controls" ALTER COLUMN "layout" SET DEFAULT 'auto';--> statement-breakpoint
ALTER TABLE "playout_commands" ADD CONSTRAINT "playout_commands_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playout_commands" ADD CONSTRAINT "playout_commands_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "playout_commands_room_id_seq_idx" ON "playout_commands" USING btree ("room_id","seq");--> statement-breakpoint
CREATE INDEX "playout_commands_pending_idx" ON "playout_commands" USING btree ("room_id","seq") WHERE "playout_commands"."status" = 'pending';--> statement-breakpoint
ALTER TABLE "room_controls" ADD CONSTRAINT "room_controls_layout_known" CHECK ("room_controls"."layout" in ('auto', 'speaker', 'grid', 'side-by-side', 'countdown'));