// Who is support staff on a platform: listed by id, holding a staff role, or a member of the staff
// group. A group's members are asked of the platform and kept for a few minutes; when the platform
// cannot say, the person is not staff (and the log says why).
import type { Clock } from '../../ports/time.ts';
import type { Logger } from '../../ports/logger.ts';

export interface StaffRule {
  /** Platform user ids that are staff. */
  users?: readonly string[];
  /** Role ids that make their holders staff (the platform tells a member's roles with the request). */
  roles?: readonly string[];
  /** Members of the staff group, asked of the platform (Slack's user group). */
  group?: () => Promise<Iterable<string>>;
}

const GROUP_TTL_MS = 5 * 60_000;

export class StaffCheck {
  private members: { ids: Set<string>; at: number } | undefined;

  constructor(
    private readonly rule: StaffRule,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  async isStaff(user: string, roles: Iterable<string> = []): Promise<boolean> {
    if (this.rule.users?.includes(user)) return true;
    for (const role of roles) if (this.rule.roles?.includes(role)) return true;
    const group = this.rule.group;
    if (!group) return false;
    if (!this.members || this.clock.now() - this.members.at > GROUP_TTL_MS) {
      try {
        this.members = { ids: new Set(await group()), at: this.clock.now() };
      } catch (err) {
        this.log.warn('could not read the staff group', { code: 'channel.staff-group', err });
        return false;
      }
    }
    return this.members.ids.has(user);
  }
}
