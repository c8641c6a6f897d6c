import { EventEnvelope } from './envelope';
import { AgencyRegisteredV1 } from './events/agency.events';
import { ClientErasedV1, ClientRegisteredV1, ConsentGivenV1, ConsentWithdrawnV1, KeyWorkerAssignedV1, MilestoneRecordedV1 } from './events/client.events';
import {
  AgencyUpdatedV1,
  AgreementSignatureSuspendedV1,
  AgreementSignedV1,
  ServiceCapacityChangedV1,
  ServiceOfferedV1,
  ServiceUpdatedV1,
  ServiceWithdrawnV1,
} from './events/directory.events';
import {
  AgreementDecisionRecordedV1,
  AgreementPublishedV1,
  ClaimGrantedV1,
  ClaimReleasedV1,
  LeadHandedOverV1,
  OutcomeCreditedV1,
  ReferralRequestedV2,
  ReferralTransitionV1,
} from './events/referral.events';
import { ReferralFactV1 } from './events/reporting.events';

/*
 * Every event type of the platform with the data of its latest version, one interface per topic.
 * Consumers see only latest versions (older ones are upcast on the way in), so these maps are what
 * handlers, producers and the compiler agree on. The registry holds the runtime half: topics,
 * keys, validation classes and the superseded versions.
 */

/** umbrella.referrals.v1 */
export interface ReferralEventData {
  ReferralRequested: ReferralRequestedV2;
  ReferralAccepted: ReferralTransitionV1;
  ReferralRejected: ReferralTransitionV1;
  ReferralStarted: ReferralTransitionV1;
  ReferralPaused: ReferralTransitionV1;
  ReferralResumed: ReferralTransitionV1;
  ReferralCompleted: ReferralTransitionV1;
  ReferralFailed: ReferralTransitionV1;
  ReferralCancelled: ReferralTransitionV1;
  ReferralExpired: ReferralTransitionV1;
  ReferralEnteredInError: ReferralTransitionV1;
  ClaimGranted: ClaimGrantedV1;
  ClaimReleased: ClaimReleasedV1;
  LeadHandedOver: LeadHandedOverV1;
  AgreementDecisionRecorded: AgreementDecisionRecordedV1;
  OutcomeCredited: OutcomeCreditedV1;
}

/** umbrella.agreements.v1 */
export interface AgreementEventData {
  AgreementPublished: AgreementPublishedV1;
}

/** umbrella.agencies.v1 */
export interface AgencyEventData {
  AgencyRegistered: AgencyRegisteredV1;
  AgencyUpdated: AgencyUpdatedV1;
  ServiceOffered: ServiceOfferedV1;
  ServiceUpdated: ServiceUpdatedV1;
  ServiceWithdrawn: ServiceWithdrawnV1;
  ServiceCapacityChanged: ServiceCapacityChangedV1;
  AgreementSigned: AgreementSignedV1;
  AgreementSignatureSuspended: AgreementSignatureSuspendedV1;
}

/** umbrella.clients.v1 */
export interface ClientEventData {
  ClientRegistered: ClientRegisteredV1;
  ConsentGiven: ConsentGivenV1;
  ConsentWithdrawn: ConsentWithdrawnV1;
  KeyWorkerAssigned: KeyWorkerAssignedV1;
  MilestoneRecorded: MilestoneRecordedV1;
  ClientErased: ClientErasedV1;
}

/** umbrella.referral-facts.v1 */
export interface ReferralFactEventData {
  ReferralFactRecorded: ReferralFactV1;
}

export interface EventDataByType extends ReferralEventData, AgreementEventData, AgencyEventData, ClientEventData, ReferralFactEventData {}

export type EventType = keyof EventDataByType;
export type EventData<K extends EventType> = EventDataByType[K];

/** The event of one type (or a union of types), in its latest version: a member of the discriminated union. */
export type EventOf<K extends EventType> = { [P in K]: EventEnvelope<P, EventDataByType[P]> }[K];

/** Every event of the platform, discriminated by `type`. */
export type PlatformEvent = EventOf<EventType>;
export type ReferralEvent = EventOf<keyof ReferralEventData>;
export type AgreementEvent = EventOf<keyof AgreementEventData>;
export type AgencyEvent = EventOf<keyof AgencyEventData>;
export type ClientEvent = EventOf<keyof ClientEventData>;
export type ReferralFactEvent = EventOf<keyof ReferralFactEventData>;

/**
 * What a consumer does with each event type it reads, keyed by the union it reads: each handler
 * receives exactly its type's event, so a field that is not in the contract does not compile.
 */
export type EventHandlers<E extends PlatformEvent, C extends readonly unknown[]> = {
  readonly [K in E['type']]?: (event: EventOf<K>, ...context: C) => Promise<void>;
};
