// The outcomes report for the centre (`2fa-helpdesk report`). (English)
import { type Catalogue } from '../catalogue.ts';

export const report: Pick<Catalogue, 'report'> = {
  report: {
    title: 'Conversations that ended from {since} to {until}',
    none_ended: 'No conversation ended in this period.',
    col_topic: 'topic',
    col_lang: 'lang',
    col_conversations: 'conversations',
    col_solved: 'solved',
    col_handed: 'handed',
    col_staff_solved: 'staff solved',
    col_abandoned: 'abandoned',
    col_out_of_scope: 'out of scope',
    col_median: 'median to solved',
    col_helped: 'helped',
    all_topics: 'all topics',
    no_topic: '(no topic)',
    topics_menu: '(the topics menu)',
    helped_of: '{share} of {answers}',
    solved_how: 'Solved without a person, by how (confirmed by the person, a code verified, the token became active, answered to the end): {how}',
    gave_up: 'Where people gave up (the last step reached), most first:',
    not_understood: 'What the bot did not understand (codes redacted, addresses cut to their network), most often first:',
    comments: 'Sentences added to "Did this help?", newest first:',
    none: 'none',
    yes: 'yes',
    no: 'no',
  },
};
