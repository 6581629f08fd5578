// VOICE_STATE_UPDATE → the voice session tracker (join, move, leave, mute changes).
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseVoiceState } from '../normalize/voice.ts';

export const voiceStateUpdate: DispatchListener = {
  name: 'voice-state-update',
  dispatch: 'VOICE_STATE_UPDATE',
  async run(context, data) {
    const parsed = parseVoiceState(data);
    if (!parsed.ok) return reportMalformed(context, 'VOICE_STATE_UPDATE', parsed.problems);
    await context.voice.update(parsed.state);
  },
};
